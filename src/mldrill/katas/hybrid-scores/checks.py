"""Hidden checks for the hybrid-scores kata. Expected values: min-max via sklearn's MinMaxScaler and z-scores via
scipy.stats.zscore (constant vectors mapped to zeros by hand, where both libraries give 0 or NaN)."""

from __future__ import annotations

import numpy as np
import scipy.stats
from sklearn.preprocessing import MinMaxScaler

from mldrill.grader.checks import Call, Check, Outcome, expect_close


def _f(s: np.ndarray, norm: str) -> np.ndarray:
    if np.ptp(s) == 0:
        return np.zeros_like(s)
    if norm == "minmax":
        return MinMaxScaler().fit_transform(s[:, None])[:, 0]
    return scipy.stats.zscore(s)


def _mix(b: np.ndarray, d: np.ndarray, alpha: float, norm: str) -> np.ndarray:
    return alpha * _f(b, norm) + (1 - alpha) * _f(d, norm)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    bm25, dense = rng.uniform(0, 25, size=8), rng.uniform(-0.2, 0.9, size=8)
    # both vectors constant (and single documents): only the zero-range rule decides, whatever else is right or wrong
    flat, flat_dense = np.full(5, rng.uniform(1, 10)), np.full(5, rng.uniform(-1, 1))
    one, one_dense = rng.uniform(0, 25, size=1), rng.uniform(-1, 1, size=1)

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, np.ndarray, float, str]]) -> Check:
        calls = [Call((b, d), {"alpha": a, "norm": n}) for b, d, a, n in cases]
        return Check(name, expl, calls, expect_close([_mix(*c) for c in cases], atol=1e-12, rtol=1e-10))

    def raises(outcomes: list[Outcome]) -> str | None:
        err = outcomes[0].error
        return None if err and err.startswith("ValueError") else f"expected a ValueError, got {err or 'a value'}"

    return [
        check("min-max normalization, then the weighted sum", "Each vector to [0, 1] separately, then alpha * bm25 + "
              "(1 - alpha) * dense.", [(bm25, dense, 0.5, "minmax"), (bm25, dense, 0.3, "minmax")]),
        check("normalizes before combining", "alpha = 0.5 on raw scores lets BM25 (0-25) drown the cosines (< 1): "
              "normalize each vector first.", [(bm25, dense, 0.5, "minmax")]),
        check("z-score normalization", "(s - mean) / std with the population std.", [(bm25, dense, 0.6, "zscore")]),
        check("constant scores normalize to zeros", "When every BM25 score is equal (e.g. no query term matched) "
              "max - min = 0: give zeros instead of 0/0 = NaN, for both norms (and for a single document).",
              [(flat, flat_dense, 0.5, "minmax"), (flat, flat_dense, 0.5, "zscore"), (one, one_dense, 0.5, "zscore")]),
        Check("alpha outside [0, 1] raises ValueError", "alpha is a mixing weight: reject 1.5.",
              [Call((bm25, dense), {"alpha": 1.5})], raises),
    ]  # fmt: skip
