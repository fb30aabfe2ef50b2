"""Classic wrong k-means++ seedings, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def kmeans_plusplus(X, n_clusters, *, random_state):
    n = len(X)
    indices = [int(random_state.integers(n))]
    closest = ((X - X[indices[0]]) ** 2).sum(axis=1)  # squared distance to the nearest centre so far
    for _ in range(1, n_clusters):
        i = int(random_state.choice(n, p=closest / closest.sum()))
        indices.append(i)
        closest = np.minimum(closest, ((X - X[i]) ** 2).sum(axis=1))
    idx = np.array(indices)
    return X[idx], idx
"""

D2 = "the next centre is drawn with probability D(x)^2 / sum D^2 (chi-square, alpha = 1e-6)"

MUTANTS = [
    mutant("D instead of D^2", "p=closest / closest.sum()", "p=np.sqrt(closest) / np.sqrt(closest).sum()", D2),
    mutant(
        "farthest point (argmax)",
        "int(random_state.choice(n, p=closest / closest.sum()))",
        "int(np.argmax(closest))",
        D2,
    ),
    mutant(
        "uniform among the unchosen",
        "p=closest / closest.sum()",
        "p=(closest > 0) / (closest > 0).sum()",
        D2,
    ),
    mutant(
        "first centre is row 0",
        "indices = [int(random_state.integers(n))]",
        "indices = [0]",
        "the first centre is uniform (chi-square, alpha = 1e-6)",
    ),
    mutant(
        "distance to the last centre only",
        "closest = np.minimum(closest, ((X - X[i]) ** 2).sum(axis=1))",
        "closest = ((X - X[i]) ** 2).sum(axis=1)",
        "duplicated points are never picked twice",
        "returns k distinct rows of X and their indices",  # an earlier centre may come again there too
    ),
]
