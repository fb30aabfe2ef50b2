"""Classic wrong Lloyd steps, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def _labels(X, C):
    return np.argmin(((X[:, None, :] - C[None, :, :]) ** 2).sum(-1), axis=1)

def lloyd_step(X, centers):
    k = centers.shape[0]
    labels = _labels(X, centers)
    counts = np.bincount(labels, minlength=k)
    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, labels, X)
    new = centers.copy()
    full = counts > 0
    new[full] = sums[full] / counts[full, None]
    return new, labels
"""

MUTANTS = [
    mutant(
        "mean of an empty cluster is NaN",
        "    new = centers.copy()\n    full = counts > 0\n    new[full] = sums[full] / counts[full, None]",
        "    with np.errstate(invalid='ignore'):\n        new = sums / counts[:, None]",
        "an empty cluster keeps its old centre, never NaN",
    ),
    mutant(
        "an empty centre jumps to the origin",
        "    new = centers.copy()\n    full = counts > 0\n    new[full] = sums[full] / counts[full, None]",
        "    new = sums / np.maximum(counts, 1)[:, None]",
        "an empty cluster keeps its old centre, never NaN",
    ),
    mutant(
        "counts from np.unique skip the empty clusters",
        "counts = np.bincount(labels, minlength=k)",
        "counts = np.unique(labels, return_counts=True)[1]",
        "an empty cluster keeps its old centre, never NaN",
        "the input centres are not modified",  # it raises on that call's empty cluster too
    ),
    mutant(
        "labels of the new centres",
        "    return new, labels",
        "    return new, _labels(X, new)",
        "labels are the assignment the update used",
        "matches sklearn's first Lloyd iteration",  # the generic check compares the labels too
    ),
    mutant(
        "updated in place",
        "new = centers.copy()",
        "new = centers",
        "the input centres are not modified",
    ),
]
