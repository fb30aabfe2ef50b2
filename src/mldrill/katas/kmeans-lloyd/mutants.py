"""Classic wrong Lloyd iterations, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import numpy as np

def kmeans(X, k, *, init, iters=100):
    centers = np.array(init, dtype=float)

    def assign(C):
        d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=-1)  # (n, k)
        return d2.argmin(axis=1), d2

    for _ in range(iters):
        labels, _ = assign(centers)
        new = np.stack([X[labels == j].mean(axis=0) for j in range(k)])
        converged = np.array_equal(new, centers)
        centers = new
        if converged:
            break
    labels, d2 = assign(centers)  # the labels of the centres returned
    inertia = float(d2[np.arange(len(X)), labels].sum())
    return centers, labels, inertia
"""

GENERIC = "converges to sklearn's solution from the same start"
INERTIA = "inertia is the sum of squared distances"

MUTANTS = [
    mutant(
        "inertia sums distances, not squared distances",
        "d2[np.arange(len(X)), labels].sum()",
        "np.sqrt(d2[np.arange(len(X)), labels]).sum()",
        INERTIA,
        GENERIC,
    ),
    mutant(
        "inertia is the mean, not the sum",
        "d2[np.arange(len(X)), labels].sum()",
        "d2[np.arange(len(X)), labels].mean()",
        INERTIA,
        GENERIC,
    ),
    mutant(
        "labels of the previous centres returned",
        "    labels, d2 = assign(centers)  # the labels of the centres returned\n",
        "    d2 = assign(centers)[1]  # labels: still those of the last assignment, before the update\n",
        "stops after `iters` iterations with labels of the final centres",
    ),
    mutant(
        "the first k points instead of the given init",
        "centers = np.array(init, dtype=float)",
        "centers = np.array(X[:k], dtype=float)",
        "uses the given initial centres",
        GENERIC,
    ),
    Mutant(
        "one iteration too few",
        (("for _ in range(iters):", "for _ in range(iters - 1):"),),
        "stops after `iters` iterations with labels of the final centres",
    ),
]
