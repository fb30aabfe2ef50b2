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

    def gqa(h: int, g: int, bias: bool = False) -> tuple[int, int, int, bool]:
        return int(rng.integers(4, 33)) * h, h, g, bias  # d = h d_h with a drawn head size

    d = 16 * int(rng.integers(2, 17))
    llama_h = int(rng.choice([24, 32, 40, 48, 64, 96]))
    return [
        check("multi-head attention has 4 d^2 for any number of heads (M20)", "Q, K, V and O are d x d however d is "
              "split into heads: 1, 4 or 16 heads give the same count.",
              [(d, 1, 1, False), (d, 4, 4, False), (d, 16, 16, False)]),
        check("GQA shrinks only K and V (M28)", "W_Q and W_O stay d x d; W_K and W_V are d x g d_h.",
              [gqa(8, 2), gqa(12, int(rng.choice([2, 3, 4, 6]))), gqa(int(rng.choice([4, 8, 16])), 1)]),
        check("a Llama-sized attention layer (Llama-3-8B: 41,943,040)", "d_h = 128 and g = 8 KV heads: d = 4096, "
              "h = 32 gives 2 d^2 + 2 d g d_h = 33.6M + 8.4M (not 3 h d^2, and not 4 d^2).",
              [(128 * llama_h, llama_h, 8, False)]),
        check("biases", "bias=True adds d for Q and O and g d_h for K and V.",
              [gqa(4, 4, True), gqa(8, int(rng.choice([2, 4])), True)]),
    ]  # fmt: skip
