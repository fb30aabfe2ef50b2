"""Hidden checks for the kmeans-empty-cluster kata. Expected values: sklearn KMeans(init=given, n_init=1,
max_iter=1, algorithm='lloyd').cluster_centers_ (one update) where no cluster is empty; with empty clusters, the
per-cluster means of a NumPy argmin assignment and the old centres for the empty ones."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans

from mldrill.grader.checks import Call, Check, Failure, Outcome, compare_arrays

TOL = {"atol": 1e-9, "rtol": 1e-9}


def _labels(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    return np.argmin(((X[:, None, :] - C[None, :, :]) ** 2).sum(-1), axis=1)


def _step(X: np.ndarray, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lab = _labels(X, C)
    new = C.copy()
    for j in range(len(C)):
        if (lab == j).any():
            new[j] = X[lab == j].mean(axis=0)
    return new, lab


def _sk(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    return KMeans(len(C), init=C, n_init=1, max_iter=1, algorithm="lloyd").fit(X).cluster_centers_


def _pair(o: Outcome, i: int) -> tuple[object, object] | Failure:
    if o.error is not None:
        return Failure(f"call {i + 1}: raised {o.error}", i)
    if not isinstance(o.value, list) or len(o.value) != 2:
        return Failure(f"call {i + 1}: expected a tuple (new_centers, labels)", i)
    return o.value[0], o.value[1]


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def blobs(k: int, per: int, d: int = 2) -> tuple[np.ndarray, np.ndarray]:
        means = rng.uniform(-10, 10, size=(k, d))
        X = np.concatenate([rng.normal(loc=m, scale=0.7, size=(per, d)) for m in means])
        return X, means

    def judge(expected: list[tuple[np.ndarray | None, np.ndarray | None]]):
        """Compare centres and/or labels (None: not this check's business)."""

        def run(outcomes: list[Outcome]) -> str | Failure | None:
            for i, (o, (c, lab)) in enumerate(zip(outcomes, expected, strict=True)):
                got = _pair(o, i)
                if isinstance(got, Failure):
                    return got
                if c is not None:
                    arr = np.asarray(got[0], dtype=np.float64)
                    if np.isnan(arr).any():
                        rows = np.flatnonzero(np.isnan(arr).any(-1)).tolist() if arr.ndim == 2 else []
                        return Failure(f"call {i + 1}: new_centers has NaN (rows {rows})", i, c, got[0])
                    if msg := compare_arrays(arr, c, name="new_centers", **TOL):
                        return Failure(f"call {i + 1}: {msg}", i, c, got[0])
                if lab is not None:
                    g = np.asarray(got[1])
                    if g.shape != lab.shape or not np.array_equal(g, lab):
                        return Failure(f"call {i + 1}: labels {g.tolist()[:12]} ..., expected {lab.tolist()[:12]} ...",
                                       i, lab, got[1])  # fmt: skip
            return None

        return run

    # -- no empty cluster: sklearn's first iteration
    X1, m1 = blobs(3, 15)
    C1 = m1 + rng.normal(scale=1.5, size=m1.shape)
    X2, _ = blobs(4, 10, d=3)
    C2 = X2[rng.choice(len(X2), size=4, replace=False)]
    random = [(X1, C1), (X2, C2)]
    random_want = [(_sk(X, C), _labels(X, C)) for X, C in random]

    # -- empty clusters: one centre far from the data; two far ones; two centres that coincide (the second is empty)
    X3, m3 = blobs(3, 12)
    far = rng.uniform(200, 400, size=(1, 2)) * rng.choice([-1, 1], size=(1, 2))
    C3 = np.vstack([m3[:1], far, m3[1:]])
    C4 = np.vstack([m3, far, -far + rng.normal(size=(1, 2))])
    C5 = np.vstack([m3[:2], m3[1:2], m3[2:]])  # rows 1 and 2 identical: ties go to row 1, row 2 gets nothing
    empty = [(X3, C3), (X3, C4), (X3, C5)]
    empty_want = [(_step(X, C)[0], None) for X, C in empty]

    # -- labels are the assignment the update used: points that change cluster after the update
    while True:  # blob A at 0, blob B at 10 (along a drawn direction); centre 0 at 6.5 takes part of B, then
        # moves towards A, and those B points go over to centre 1 (at 13): the labels change after the update
        u = rng.normal(size=2)
        u /= np.linalg.norm(u)
        o = rng.uniform(-5, 5, size=2)
        X6 = np.concatenate([rng.normal(scale=0.7, size=(12, 2)) + o, rng.normal(scale=0.7, size=(12, 2)) + o + 10 * u])
        C6 = np.stack([o + 6.5 * u, o + 13 * u])
        if not np.array_equal(_labels(X6, C6), _labels(X6, _step(X6, C6)[0])):
            break

    # -- the input is left alone (with an empty cluster, where in-place code paths differ)
    C7 = C4.copy()

    def judge_input(outcomes: list[Outcome]) -> str | Failure | None:
        o = outcomes[0]
        if o.error is not None:
            return Failure(f"raised {o.error}", 0)
        after = o.value[1]
        if msg := compare_arrays(after, C7, atol=0.0, rtol=0.0, name="`centers` after the call"):
            return Failure(msg + " -- the input array was modified", 0, C7, after)
        return None

    return [
        Check(
            "matches sklearn's first Lloyd iteration",
            "Assign each point to its nearest centre (squared Euclidean), then move each centre to the mean of its "
            "points (sklearn KMeans with max_iter=1 from the same centres).",
            [Call((X, C)) for X, C in random],
            judge(random_want),
        ),
        Check(
            "an empty cluster keeps its old centre, never NaN",
            "A centre with no points has no mean: X[labels == j].mean(0) is 0/0 = NaN, and sum / max(count, 1) "
            "moves it to the origin. Keep the old centre (or re-seed it deliberately).",
            [Call((X, C)) for X, C in empty],
            judge(empty_want),
        ),
        Check(
            "labels are the assignment the update used",
            "Return the labels computed from the centres you were given (the ones the means were taken over), not a "
            "fresh assignment to the new centres.",
            [Call((X6, C6))],
            judge([(None, _labels(X6, C6))]),
        ),
        Check(
            "the input centres are not modified",
            "Writing the new means into `centers` changes the caller's array (NumPy passes arrays by reference): "
            "start from centers.copy().",
            [Call((X3, C4.copy()), returns_args=(1,))],
            judge_input,
        ),
    ]
