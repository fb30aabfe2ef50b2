"""Classic wrong average precisions, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def average_precision_score(y_true, scores):
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # the last index of each run of tied scores
    tp = np.cumsum(y)[last]
    fp = np.cumsum(1 - y)[last]
    precision = tp / (tp + fp)
    recall = tp / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
"""

GENERIC = "matches sklearn on random scores"

MUTANTS = [
    mutant(
        "a threshold at every example",
        "last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]",
        "last = np.arange(len(s))",
        "tied scores are one threshold",
    ),
    mutant(
        "trapezoids between PR points",
        "np.sum(np.diff(np.r_[0.0, recall]) * precision)",
        "np.sum(np.diff(np.r_[0.0, recall]) * (precision + np.r_[1.0, precision[:-1]]) / 2)",
        "step-wise, not the trapezoid",
        GENERIC,
        "tied scores are one threshold",  # a wrong area on any ranking with a negative above a positive
    ),
    mutant(
        "interpolated precision (VOC style)",
        "precision = tp / (tp + fp)",
        "precision = np.maximum.accumulate((tp / (tp + fp))[::-1])[::-1]",
        "step-wise, not the trapezoid",
        GENERIC,
        "tied scores are one threshold",  # the precision after the tie is raised by a later, better cut
    ),
    mutant(
        "recall over all examples",
        "recall = tp / y.sum()",
        "recall = tp / len(y)",
        "a perfect ranking gives 1",
        GENERIC,
        "step-wise, not the trapezoid",
        "tied scores are one threshold",
    ),
    mutant(
        "ranks ascending scores",
        'np.argsort(-s, kind="stable")',
        'np.argsort(s, kind="stable")',
        "a perfect ranking gives 1",
        GENERIC,
        "step-wise, not the trapezoid",
        "tied scores are one threshold",
    ),
]
