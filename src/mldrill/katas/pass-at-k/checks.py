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

    def case(triples: list[tuple[int, int, int]]) -> tuple[list[Call], Judge]:
        return [Call(t) for t in triples], expect_scalar([_exact(*t) for t in triples], atol=1e-12, rtol=1e-10)

    return [
        Check("matches 1 - C(n-c, k) / C(n, k)", "The probability that k samples drawn without replacement from the "
              "n include at least one of the c passing ones.", *case([(10, 3, 2), (20, 5, 5), (7, 1, 3)])),
        Check("matches on random (n, c, k)", "Any 0 <= c <= n and 1 <= k <= n.", *case(triples)),
        Check("is unbiased, not 1 - (1 - c/n)^k", "The plug-in 1 - (1 - c/n)^k samples with replacement and "
              "underestimates pass@k; the estimator of Chen et al. counts subsets of the n samples.",
              *case([(5, 2, 3), (10, 5, 4)])),
        Check("pass@1 = c / n", "With k = 1 the estimator is the fraction of passing samples.",
              *case([(200, 37, 1), (3, 0, 1), (4, 4, 1)])),
        Check("is exactly 1 when n - c < k", "Every choice of k samples contains a pass: C(n - c, k) = 0.",
              *case([(10, 8, 3), (5, 5, 5)])),
        Check("stays accurate for n in the thousands", "C(2000, 500) overflows a float (inf / inf = NaN): use the "
              "product over i of (1 - k / i).", *case([(2000, 10, 500), (5000, 3, 100)])),
    ]  # fmt: skip
