"""Hidden checks for the attention-param-count kata. Expected counts: numel of real torch modules
(nn.MultiheadAttention for g = h, separate nn.Linear projections for GQA)."""

from __future__ import annotations

import torch
from torch import nn

from mldrill.grader.checks import Call, Check, expect_equal


def _count(d: int, h: int, g: int, bias: bool = False) -> int:
    dh = d // h
    with torch.device("meta"):  # shapes only: no memory for Llama-sized layers
        if g == h:
            return sum(p.numel() for p in nn.MultiheadAttention(d, h, bias=bias).parameters())
        mods = [nn.Linear(d, d, bias=bias), nn.Linear(d, g * dh, bias=bias), nn.Linear(d, g * dh, bias=bias),
                nn.Linear(d, d, bias=bias)]  # fmt: skip
        return sum(p.numel() for m in mods for p in m.parameters())


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def check(name: str, expl: str, cases: list[tuple[int, int, int, bool]]) -> Check:
        calls = [Call((d, h, g), {"bias": b}) for d, h, g, b in cases]
        return Check(name, expl, calls, expect_equal([_count(*c) for c in cases]))

    return [
        check("multi-head attention has 4 d^2 for any number of heads (M20)", "Q, K, V and O are d x d however d is "
              "split into heads: 1, 4 or 16 heads give the same count.",
              [(64, 1, 1, False), (64, 4, 4, False), (64, 16, 16, False)]),
        check("GQA shrinks only K and V (M28)", "W_Q and W_O stay d x d; W_K and W_V are d x g d_h.",
              [(64, 8, 2, False), (96, 12, 4, False), (64, 8, 1, False)]),
        check("Llama-3-8B attention layer: 41,943,040", "d = 4096, h = 32, g = 8: 2 d^2 + 2 d g d_h = 33.6M + 8.4M "
              "(not 3 h d^2, and not 4 d^2).", [(4096, 32, 8, False)]),
        check("biases", "bias=True adds d for Q and O and g d_h for K and V.", [(64, 4, 4, True), (64, 8, 2, True)]),
    ]  # fmt: skip
