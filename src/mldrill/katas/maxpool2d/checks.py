"""Hidden checks for the maxpool2d kata. Expected values come from torch.nn.functional.max_pool2d (float64)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_close

TOL = {"atol": 0.0, "rtol": 0.0}  # a max selects an input: exact


def _pool(x: np.ndarray, k: int, s: int | None = None, p: int = 0, d: int = 1) -> np.ndarray:
    return F.max_pool2d(torch.from_numpy(x), k, stride=s, padding=p, dilation=d).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def x(h: int, w: int, n: int = 2, c: int = 3) -> np.ndarray:
        return rng.normal(size=(n, c, h, w))

    def case(a: np.ndarray, k: int, s: int | None = None, p: int = 0, d: int = 1) -> tuple[Call, np.ndarray]:
        kw: dict[str, int] = {} if s is None else {"stride": s}  # None: the default is what is checked
        kw.update({"padding": p} if p else {})
        kw.update({"dilation": d} if d != 1 else {})
        return Call((T(a), k), kw), _pool(a, k, s, p, d)

    def check(name: str, why: str, cases: list[tuple[Call, np.ndarray]]) -> Check:
        return Check(name, why, [c for c, _ in cases], expect_close([e for _, e in cases], **TOL))

    def even(lo: int, hi: int) -> int:
        return 2 * int(rng.integers(lo // 2, hi // 2))

    k3 = int(rng.integers(2, 4))
    negative = -np.abs(x(even(6, 12), even(6, 12))) - 0.5  # every value below 0: a zero pad would win the max
    return [
        check(
            "matches F.max_pool2d with an explicit stride",
            "The max over each K x K window, windows S apart; every sample and channel on its own.",
            [case(x(even(6, 14), even(6, 14)), 2, s=2), case(x(9, 11), 3, s=1), case(x(10, 8), 3, s=2)],
        ),
        check(
            "stride defaults to the kernel size",
            "F.max_pool2d(x, K) uses stride K (non-overlapping windows), unlike a convolution whose stride "
            "defaults to 1.",
            [case(x(even(6, 16), even(6, 16)), 2), case(x(9, 12), 3)],
        ),
        check(
            "padding is -inf, never 0",
            "A zero pad wins the max wherever the window's real values are all negative (after a layer without "
            "ReLU): border outputs become 0. Pad with -inf so padding never wins.",
            [case(negative, 3, s=2, p=1), case(negative, 2, s=1, p=1)],
        ),
        check(
            "padding goes on both sides",
            "padding = P adds P rows and columns before AND after: H + 2P, and the windows start P before the "
            "first real row.",
            [case(np.abs(x(7, 9)), 3, s=2, p=1), case(np.abs(x(even(6, 12), 7)), 2, s=2, p=1)],
        ),
        check(
            "the output size floors: a partial window is dropped",
            "H_out = floor((H + 2P - D(K-1) - 1) / S) + 1. Rounding up (ceil_mode=True) pools a last window that "
            "runs off the input.",
            [case(x(2 * k3 + 1, 3 * k3 + 1), k3), case(x(8, 11), 3, s=2)],
        ),
        check(
            "dilation spaces the taps D apart",
            "With dilation D the K taps sit at 0, D, 2D, ...: the window spans D(K-1)+1 inputs but reads only K "
            "of them per side (the max over the whole span is a bigger kernel).",
            [case(x(11, 12), 2, s=1, d=2), case(np.abs(x(12, 13)), 3, s=2, p=1, d=2)],  # >= 0: a 0 pad never wins
        ),
    ]
