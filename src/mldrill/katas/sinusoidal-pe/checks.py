"""Hidden checks for the sinusoidal-pe kata. Expected tables: the formula of Vaswani et al. (2017), entry by entry."""

from __future__ import annotations

import math

import numpy as np

from mldrill.grader.checks import Call, Check, expect_close


def _table(n: int, d: int, base: float = 10000.0) -> np.ndarray:
    pe = np.zeros((n, d))
    for p in range(n):
        for i in range(d // 2):
            w = p / base ** (2 * i / d)
            pe[p, 2 * i], pe[p, 2 * i + 1] = math.sin(w), math.cos(w)
    return pe


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def check(name: str, expl: str, args: list[tuple[int, int, float]]) -> Check:
        calls = [Call((n, d), {"base": b}) for n, d, b in args]
        return Check(name, expl, calls, expect_close([_table(n, d, b) for n, d, b in args], atol=1e-12, rtol=1e-10))

    def n(lo: int, hi: int) -> int:
        return int(rng.integers(lo, hi))

    def d(lo: int, hi: int) -> int:  # an even model width
        return 2 * n(lo // 2, hi // 2)

    return [
        check("matches the formula", "PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i+1] = cos(same angle).",
              [(n(5, 20), d(4, 12), 10000.0), (n(30, 80), d(12, 32), 10000.0)]),
        check("sin and cos interleave on even and odd channels", "Channel 2i is the sine and 2i + 1 the cosine of "
              "the same frequency; all sines first and all cosines after is another layout.",
              [(n(3, 12), d(4, 12), 10000.0)]),
        check("the exponent is 2i/d", "Pair i uses base^(2i/d) for i = 0..d/2 - 1 (the even channel index over d); "
              "i/d halves the spread of frequencies.", [(n(10, 40), d(8, 24), 10000.0)]),
        check("position 0 is [0, 1, 0, 1, ...]", "sin(0) = 0 and cos(0) = 1: positions start at 0, not 1.",
              [(1, d(4, 40), 10000.0)]),
        check("uses base", "base (10000 in the paper) sets the longest wavelength.",
              [(n(4, 16), d(4, 16), float(rng.uniform(20, 2000)))]),
    ]  # fmt: skip
