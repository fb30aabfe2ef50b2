"""Hidden checks for the repetition-penalty kata. Expected values: the rule of HF RepetitionPenaltyLogitsProcessor,
applied token by token in plain Python."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_close, expect_parts


def _oracle(logits: np.ndarray, prev: np.ndarray, penalty: float) -> np.ndarray:
    out = logits.copy()
    for b in range(len(logits)):
        for v in set(int(t) for t in prev[b]):
            z = logits[b, v]
            out[b, v] = z / penalty if z > 0 else z * penalty
    return out


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    z = rng.normal(size=(3, 10)) * 2
    prev = rng.integers(0, 10, size=(3, 4))
    # the hand-chosen signs and histories, with drawn magnitudes and penalties
    neg = np.array([[2.0, -2.0, 0.5, -0.5, 1.0]]) * rng.uniform(0.5, 3, size=5)
    neg_prev = np.array([[0, 1, 2, 3]])
    dup_prev = np.array([[0, 0, 0, 1, 1]])
    rows = np.tile(rng.uniform(0.5, 4, size=3), (2, 1))  # two equal rows: only their histories differ
    rows_prev = np.array([[0, 1], [2, 1]])
    pen = rng.uniform(1.2, 3, size=3)

    def check(name: str, expl: str, lg: np.ndarray, pv: np.ndarray, pen: float) -> Check:
        return Check(
            name, expl, [Call((T(lg), T(pv), pen))], expect_close([_oracle(lg, pv, pen)], atol=1e-12, rtol=1e-12)
        )

    return [
        check("matches the HF rule on random logits", "Seen tokens: positive logits divided by the penalty, others "
              "multiplied; unseen tokens untouched.", z, prev, 1.3),
        check("negative logits are multiplied, not divided", "Dividing -2 by 1.5 gives -1.33, which *raises* a seen "
              "token's probability: multiply non-positive logits by the penalty.", neg, neg_prev, pen[0]),
        check("a repeated token is penalized once", "Token 0 appears three times in prev_ids: apply the penalty once, "
              "not penalty^3.", neg, dup_prev, pen[1]),
        check("each row uses its own history", "Row b is penalized by the tokens of prev_ids[b] only.", rows,
              rows_prev, pen[2]),
        Check("leaves the input logits unchanged", "Return a new tensor: scatter (not scatter_) or clone first. A "
              "sampler that penalizes the caller's logits in place corrupts them for everything else that reads them.",
              [Call((T(z), T(prev), 1.3), returns_args=(0,))],
              expect_parts([[None, z]], ("output", "logits after the call"), atol=0, rtol=0)),
    ]  # fmt: skip
