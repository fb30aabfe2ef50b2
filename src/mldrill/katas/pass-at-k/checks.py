"""Hidden checks for the pass-at-k kata. Expected values: 1 - C(n-c, k) / C(n, k) in exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction
from functools import partial
from math import comb

from mldrill.grader.checks import Call, Check, Judge
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="pass@k")


def _exact(n: int, c: int, k: int) -> float:
    return float(1 - Fraction(comb(n - c, k), comb(n, k)))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    triples = []
    for _ in range(8):
        n = int(rng.integers(1, 60))
        triples.append((n, int(rng.integers(0, n + 1)), int(rng.integers(1, n + 1))))

    def n(lo: int, hi: int) -> int:
        return int(rng.integers(lo, hi + 1))

    def generic() -> tuple[int, int, int]:  # k <= n - c: the product decides (n - c < k has its own check)
        m = n(5, 40)
        c = n(1, m - 1)
        return m, c, n(1, m - c)

    def unbiased() -> tuple[int, int, int]:  # 0 < c < n and k <= n - c: the plug-in is off there
        m = n(5, 20)
        c = n(1, m - 2)
        return m, c, n(2, m - c)

    def certain() -> tuple[int, int, int]:  # n - c < k
        m = n(4, 30)
        c = n(1, m - 1)
        return m, c, n(m - c + 1, m)

    def boundary() -> tuple[int, int, int]:  # n - c = k: one draw (all k failures) misses, so it is below 1
        m = n(4, 30)
        c = n(1, m - 1)
        return m, c, m - c

    m1, m2, m3 = n(2, 300), n(2, 10), n(1, 10)

    def case(triples: list[tuple[int, int, int]]) -> tuple[list[Call], Judge]:
        return [Call(t) for t in triples], expect_scalar([_exact(*t) for t in triples], atol=1e-12, rtol=1e-10)

    return [
        Check("matches 1 - C(n-c, k) / C(n, k)", "The probability that k samples drawn without replacement from the "
              "n include at least one of the c passing ones.", *case([generic(), generic(), generic()])),
        Check("matches on random (n, c, k)", "Any 0 <= c <= n and 1 <= k <= n.", *case(triples)),
        Check("is unbiased, not 1 - (1 - c/n)^k", "The plug-in 1 - (1 - c/n)^k samples with replacement and "
              "underestimates pass@k; the estimator of Chen et al. counts subsets of the n samples.",
              *case([unbiased(), unbiased()])),
        Check("pass@1 = c / n", "With k = 1 the estimator is the fraction of passing samples.",
              *case([(m1, n(1, m1 - 1), 1), (m2, 0, 1), (m3, m3, 1)])),
        Check("is exactly 1 when n - c < k", "Every choice of k samples contains a pass: C(n - c, k) = 0. Only "
              "then: at n - c = k the one draw of all k failures misses, so pass@k = 1 - 1 / C(n, k) < 1.",
              *case([certain(), (m2, m2, m2), boundary()])),
        Check("stays accurate for n in the thousands", "C(2000, 500) overflows a float (inf / inf = NaN): use the "
              "product over i of (1 - k / i).",
              *case([(n(1500, 6000), n(1, 20), n(300, 700)), (n(2000, 6000), n(1, 5), n(50, 200))])),
    ]  # fmt: skip
