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
    # 4 rows with their 2 large weights of every group at the same 2 positions: a column (4 rows of one position)
    # then holds 4 large weights or none, so groups taken down the columns keep a different pair (all positive, so
    # that ranking by signed value is not blamed here)
    big = rng.choice(4, size=2, replace=False)
    cols = rng.uniform(0.01, 0.5, size=(4, 8))
    cols[:, np.concatenate([big, big + 4])] += rng.uniform(2, 3, size=(4, 4))
    # one group of large weights beside a group of small ones, in each row: a per-row top half or a global
    # threshold keeps all 4 large weights and none of the small
    skew = vary([[9.0, 8.0, 7.0, 6.0, 0.1, 0.4, 0.2, 0.3], [0.5, 0.8, 0.6, 0.7, 5.0, 3.0, 4.0, 6.0]])

    def check(name: str, expl: str, ws: list[np.ndarray]) -> Check:
        return Check(name, expl, [Call((T(w),)) for w in ws], expect_close([_mask(w) for w in ws], atol=0, rtol=0))

    return [
        check("keeps the 2 largest of every 4", "Exactly 2 ones per group of 4 consecutive weights.", rand),
        check("ranks by magnitude |w|", "A large negative weight is a large weight: pruning by signed value keeps "
              "small positives and drops large negatives.", [neg]),
        check("groups are consecutive along the last dimension", "Groups are w[..., 4g:4g+4], 4 neighbours in a "
              "row: 4 rows of one column (grouping along the first dimension) is another pattern, not the one "
              "asked for.", [rows, cols]),
        check("each group of 4 is pruned on its own", "2:4 keeps 2 weights in every group of 4, whatever the other "
              "groups hold: a per-row top half or a global top-50% threshold keeps all 4 of a group of large weights "
              "and none of a group of small ones.", [skew]),
    ]  # fmt: skip
