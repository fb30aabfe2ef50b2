"""Hidden checks for the kmeans-lloyd kata. Expected values: sklearn KMeans(init=given, n_init=1, tol=0, 'lloyd')."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans

from mldrill.grader.checks import Call, Check, Judge, Outcome, compare_arrays, showing


def _sk(X: np.ndarray, init: np.ndarray, iters: int) -> tuple[np.ndarray, np.ndarray, float]:
    km = KMeans(len(init), init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd").fit(X)
    return km.cluster_centers_, km.labels_, float(km.inertia_)


def expect_kmeans(expected: list[tuple[np.ndarray, np.ndarray, float]], *, inertia: bool = True) -> Judge:
    """Labels, centres and (unless inertia=False: a check about the iterations must not blame the inertia's
    formula, which has its own check) the inertia."""

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, (c, lab, total)) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            v = o.value
            if not isinstance(v, list) or len(v) != 3:
                return f"call {i + 1}: expected (centers, labels, inertia)"
            got_lab = np.asarray(v[1])
            if got_lab.shape != lab.shape or not np.array_equal(got_lab, lab):
                bad = int(np.argmax(got_lab != lab)) if got_lab.shape == lab.shape else -1
                head = f"{got_lab.tolist()[:12]} vs {lab.tolist()[:12]}"
                return f"call {i + 1}: labels differ (first at point {bad}): {head}"
            for name, got, want in (("centers", v[0], c), ("inertia", v[2], total))[: 2 if inertia else 1]:
                if np.size(got) == np.size(want):  # an inertia returned as a 1-element array is fine
                    got = np.asarray(got, dtype=float).reshape(np.shape(want))
                msg = compare_arrays(got, want, atol=1e-9, rtol=1e-9, name=name)
                if msg:
                    return f"call {i + 1}: {msg}"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    blobs = np.concatenate([rng.normal(loc=m, scale=0.6, size=(15, 2)) for m in ((0, 0), (5, 1), (1, 6))])
    good = blobs[[0, 15, 30]] + 0.1
    bad = blobs[[0, 1, 2]]  # all three start in one blob: several iterations to separate
    mixed = rng.normal(size=(40, 3))
    mixed_init = mixed[[3, 17, 25, 31]]

    def case(X: np.ndarray, init: np.ndarray, iters: int = 100, inertia: bool = False) -> tuple[list[Call], Judge]:
        judge = expect_kmeans([_sk(X, init, iters)], inertia=inertia)
        return [Call((X, len(init)), {"init": init, "iters": iters})], judge

    return [
        Check("converges to sklearn's solution from the same start", "Alternate nearest-centre assignment (squared "
              "Euclidean) and mean updates until the labels stop changing.", *case(blobs, good, inertia=True)),
        Check("centres are the means of their points", "The update step is the mean of the assigned points; "
              "several iterations are needed from a poor start.", *case(blobs, bad)),
        Check("uses the given initial centres", "Start from `init` (not random points): k-means only finds a local "
              "optimum, so the start decides the answer.", *case(mixed, mixed_init)),
        Check("stops after `iters` iterations with labels of the final centres", "With iters = 1: one assignment and "
              "one update, then labels recomputed for the centres returned.", *case(blobs, bad, iters=1)),
        Check("inertia is the sum of squared distances", "WCSS = sum_i ||x_i - c_label||^2: no square root and no "
              "mean over points.", *case(mixed, mixed[:2], inertia=True)),
    ]  # fmt: skip
