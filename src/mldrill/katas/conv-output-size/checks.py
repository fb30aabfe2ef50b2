"""Hidden checks for the conv-output-size kata. Expected sizes: the shape scipy.signal.correlate gives for the valid
region of the padded, dilated input, subsampled by the stride (no torch in a NumPy kata)."""

from __future__ import annotations

import numpy as np
import scipy.signal

from mldrill.grader.checks import Call, Check, expect_equal


def _measured(size: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    x = np.zeros(size + 2 * p)
    kern = np.zeros(d * (k - 1) + 1)
    kern[::d] = 1.0
    return len(scipy.signal.correlate(x, kern, mode="valid")[::s])


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def check(name: str, expl: str, cases: list[tuple[int, int, int, int, int]]) -> Check:
        calls = [Call((n, k), {"stride": s, "padding": p, "dilation": d}) for n, k, s, p, d in cases]
        return Check(name, expl, calls, expect_equal([_measured(*c) for c in cases]))

    def n(lo: int, hi: int, parity: int | None = None) -> int:  # a drawn size, odd (1) or even (0) when asked
        x = int(rng.integers(lo, hi))
        return x if parity is None or x % 2 == parity else x + 1

    k, odd = n(2, 9), n(9, 41, 1)
    return [
        check("stride 1, no padding: size - K + 1", "A K-wide window fits size - K + 1 times; forgetting the + 1 "
              "loses the last position.", [(n(10, 64), 3, 1, 0, 1), (k, k, 1, 0, 1), (n(2, 32), 1, 1, 0, 1)]),
        check("stride: floor, then + 1", "With stride 2 on 7 inputs and K = 3 there are 3 outputs: floor((7 - 3) / "
              "2) + 1.", [(n(5, 30, 1), 3, 2, 0, 1), (n(100, 300, 0), 7, 2, 3, 1), (n(6, 30, 0), 3, 2, 0, 1),
                          (n(50, 200, 0), 3, 2, 1, 1)]),
        check("padding on both sides", "padding P adds P on each side: size + 2P.",
              [(n(10, 40), 5, 1, 2, 1), (n(3, 12), 3, 1, 1, 1)]),
        check("'same' padding only keeps the size at stride 1 and odd K", "P = (K - 1) / 2 with S = 1 and odd K gives "
              "size out; with S = 2 the size halves (rounded up).", [(odd, 3, 1, 1, 1), (odd, 5, 1, 2, 1),
                                                                     (odd, 3, 2, 1, 1)]),
        check("dilation widens the kernel to D (K - 1) + 1", "A 3-tap kernel with dilation 2 spans 5 inputs.",
              [(n(6, 20), 3, 1, 0, 2), (n(16, 48), 3, 1, 2, 2), (n(10, 30), 3, 2, 0, 3)]),
    ]  # fmt: skip
