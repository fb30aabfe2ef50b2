"""Hidden checks for the two-four-sparsity kata. Expected masks: a plain loop over every group of 4 weights."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_close


def _mask(w: np.ndarray) -> np.ndarray:
    flat = w.reshape(-1, 4)
    out = np.zeros_like(flat)
    for r, group in enumerate(flat):
        keep = sorted(range(4), key=lambda i: -abs(group[i]))[:2]
        out[r, keep] = 1.0
    return out.reshape(w.shape)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    rand = [rng.normal(size=s) for s in ((4, 8), (2, 3, 12))]

    def vary(w: list[list[float]]) -> np.ndarray:
        """The hand-chosen groups on a drawn scale, rows reordered, each group of 4 shuffled within itself."""
        a = np.array(w)[rng.permutation(len(w))] * rng.uniform(0.5, 4)
        groups = a.reshape(-1, 4)
        return np.stack([g[rng.permutation(4)] for g in groups]).reshape(a.shape)

    neg = vary([[-5.0, 0.1, 0.2, 4.0, 0.3, -0.1, -3.0, 2.0]])
    rows = vary([[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0], [0.1, 9.0, 0.2, 8.0]])

    def check(name: str, expl: str, ws: list[np.ndarray]) -> Check:
        return Check(name, expl, [Call((T(w),)) for w in ws], expect_close([_mask(w) for w in ws], atol=0, rtol=0))

    return [
        check("keeps the 2 largest of every 4", "Exactly 2 ones per group of 4 consecutive weights.", rand),
        check("ranks by magnitude |w|", "A large negative weight is a large weight: pruning by signed value keeps "
              "small positives and drops large negatives.", [neg]),
        check("groups are consecutive along the last dimension", "Groups are w[..., 4g:4g+4] in each row; a global "
              "top-50% or a per-row top-k is not 2:4.", [rows]),
    ]  # fmt: skip
