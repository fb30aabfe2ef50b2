"""Hidden checks for the standard-scaler kata. Expected values: sklearn.preprocessing.StandardScaler fitted on the
training split, then transform() of each split. Constant columns hold integers, so their mean is exact and their
variance exactly 0 whichever way it is computed."""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import StandardScaler

from mldrill.grader.checks import Call, Check, expect_parts

TOL = {"atol": 1e-10, "rtol": 1e-10}
NAMES = ("Z_train", "Z_test")


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def features(n: int, d: int, shift: float = 0.0) -> np.ndarray:
        scale = 10.0 ** rng.uniform(-1, 2, size=d)
        return rng.normal(size=(n, d)) * scale + rng.normal(scale=5, size=d) + shift * scale

    def check(name: str, why: str, cases: list[tuple[np.ndarray, np.ndarray]], parts: tuple[str, ...] = NAMES):
        want = []
        for tr, te in cases:
            sk = StandardScaler().fit(tr)
            want.append(
                tuple(
                    v if n in parts else None for n, v in zip(NAMES, (sk.transform(tr), sk.transform(te)), strict=True)
                )
            )
        return Check(name, why, [Call(c) for c in cases], expect_parts(want, NAMES, **TOL))

    random = [(features(30, 4), features(10, 4)), (features(50, 7), features(3, 7))]
    shifted = [(features(20, 3), features(20, 3, shift=4.0))]  # test drawn far from train: statistics disagree
    small = [(features(5, 3), features(4, 3))]  # n = 5: ddof 1 is sqrt(5/4) off
    const_train = features(12, 4)
    const_train[:, 1] = float(rng.integers(-9, 10))
    const_test = features(6, 4)
    constant = [(const_train, const_test)]
    wide = [(features(8, 6), features(5, 6))]

    return [
        check(
            "matches sklearn's StandardScaler fitted on the training split",
            "Per-column mean and population std (ddof=0) of X_train; both splits transformed with them.",
            random,
        ),
        check(
            "training statistics come from the training split only",
            "Fitting on train + test leaks the test distribution into the features the model trains on (and "
            "into the test features too): an evaluation on such a split is optimistic.",
            shifted,
            parts=("Z_train",),
        ),
        check(
            "the test split is transformed with the training statistics",
            "At test (and serving) time there is no test-set mean to use: re-fitting on X_test hides a "
            "distribution shift and makes one example alone map to all zeros.",
            shifted,
            parts=("Z_test",),
        ),
        check(
            "the standard deviation is the population one (ddof=0)",
            "StandardScaler divides by sqrt(sum (x - mu)^2 / n). ddof=1 (pandas' .std(), torch.std's default) "
            "is sqrt(n / (n - 1)) larger: 12% on 5 rows.",
            small,
        ),
        check(
            "a constant column keeps a scale of 1",
            "A feature constant in training has std 0: dividing gives NaN (0/0) on train and inf on test, and "
            "std + 1e-8 turns any test difference into 1e8. Use a scale of 1 where std is 0.",
            constant,
        ),
        check(
            "one mean and one std per column",
            "Statistics are per feature (axis=0). A single mean and std over the whole matrix leaves features on "
            "their original relative scales.",
            wide,
        ),
    ]
