"""Hidden checks for the lstm-param-count kata. Expected counts: sum(p.numel()) of a real torch.nn.LSTM."""

from __future__ import annotations

import torch

from mldrill.grader.checks import Call, Check, expect_equal


def _count(d_in: int, d_h: int, layers: int = 1, bidir: bool = False) -> int:
    return sum(p.numel() for p in torch.nn.LSTM(d_in, d_h, layers, bidirectional=bidir).parameters())


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def check(name: str, expl: str, cases: list[tuple[int, int, int, bool]]) -> Check:
        calls = [Call((a, b, n), {"bidirectional": bi}) for a, b, n, bi in cases]
        return Check(name, expl, calls, expect_equal([_count(*c) for c in cases]))

    def n(lo: int, hi: int) -> int:
        return int(rng.integers(lo, hi))

    d, d_in, d_h = n(64, 513), n(2, 64), n(2, 64)
    return [
        check("one layer, two bias vectors (M19)", "4 (d_in d_h + d_h^2 + 2 d_h): PyTorch keeps b_ih and b_hh, so "
              "256/256 gives 526,336, not 525,312.", [(d, d, 1, False), (n(2, 32), n(2, 32), 1, False)]),
        check("stacked layers read d_h features", "Layers above the first take the hidden state of the layer below "
              "as input (d_h), not d_in.", [(n(17, 64), n(2, 17), n(3, 5), False), (n(50, 150), n(2, 17), 2, False)]),
        check("bidirectional doubles each layer and widens the next input to 2 d_h", "Two directions per layer, and "
              "an upper layer reads both directions' outputs concatenated (2 d_h).",
              [(d_in, d_h, 1, True), (d_in, d_h, 2, True), (n(2, 16), n(2, 16), 3, True)]),
    ]  # fmt: skip
