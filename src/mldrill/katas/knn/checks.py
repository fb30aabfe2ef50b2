"""Hidden checks for the knn kata. Expected values: sklearn KNeighborsClassifier(algorithm="brute")."""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from mldrill.grader.checks import Call, Check, Judge, Outcome, Step, compare_arrays, showing


def _case(X: np.ndarray, y: np.ndarray, Xq: np.ndarray, k: int) -> tuple[list[Call], Judge]:
    sk = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(X, y)
    proba, pred = sk.predict_proba(Xq), sk.predict(Xq)
    steps = (Step("fit", (X, y)), Step("predict_proba", (Xq,)), Step("predict", (Xq,)))

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        msg = compare_arrays(o.value[1], proba, atol=1e-12, rtol=0.0, name="predict_proba")
        if msg:
            return msg
        got = np.asarray(o.value[2])
        if got.shape != pred.shape or not np.array_equal(got, pred):
            bad = int(np.argmax(got != pred)) if got.shape == pred.shape else -1
            return f"predict differs (first at query {bad}): {got.tolist()[:10]} vs {pred.tolist()[:10]}"
        return None

    return [Call((), {"n_neighbors": k}, steps=steps)], showing([{"predict_proba": proba, "predict": pred}], judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    X = rng.normal(size=(60, 3))
    y = rng.choice([2, 5, 9], size=60)
    Xq = rng.normal(size=(15, 3))
    # one training point per class on a line; queries halfway between two of them see a 1-1 vote at k = 2
    # (moved by an integer and scaled by a power of two, so the tie at 2.0 stays exact; labels drawn)
    s, o = 2.0 ** rng.integers(-3, 4), float(rng.integers(-50, 50))
    line = np.array([[0.0], [1.0], [3.0], [7.0]]) * s + o
    y_line = rng.choice(20, size=4, replace=False)
    q_line = np.array([[0.4], [0.6], [2.2], [2.0], [5.5]]) * s + o
    # one more class (the largest label) with a single training point far away: no query votes for it
    X_far, y_far = np.vstack([X, rng.normal(size=(1, 3)) + 100.0]), np.r_[y, int(rng.integers(10, 20))]
    big = rng.normal(size=(4000, 8))
    y_big = (big[:, 0] + big[:, 1] > 0).astype(np.int64)
    q_big = rng.normal(size=(1500, 8))
    return [
        Check("matches sklearn's brute-force k-NN", "Euclidean distances to every training point (||a||^2 + "
              "||b||^2 - 2 a.b), the k smallest (the nearest included), a uniform vote: predict_proba holds the "
              "fraction of the k votes in each class.", *_case(X, y, Xq, 5)),
        Check("a tied vote goes to the smallest label", "With a 1-1 vote sklearn predicts the smallest label "
              "(argmax over columns in sorted label order), not the nearest neighbour's.",
              *_case(line, y_line, q_line, 2)),
        Check("predict_proba has a column for every class", "k larger than the number of classes, and classes "
              "without a vote (here the largest label, whose only point is far away) still get a (zero) column, in "
              "sorted label order.", *_case(X_far, y_far, Xq[:5], 11)),
        Check("distances are vectorized", "4000 training points x 1500 queries: a Python loop over pairs is far too "
              "slow; use one matrix product (||a||^2 + ||b||^2 - 2 a.b).", *_case(big, y_big, q_big, 7)),
    ]  # fmt: skip
