"""Classic wrong ROC-AUCs, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def roc_auc_score(y_true, scores):
    y = np.asarray(y_true).astype(float)
    s = np.asarray(scores, dtype=float)
    n_pos = y.sum()
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC-AUC needs both classes in y_true")
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # the last index of each run of tied scores
    tpr = np.r_[0.0, np.cumsum(y)[last]] / n_pos
    fpr = np.r_[0.0, np.cumsum(1 - y)[last]] / n_neg
    auc = np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)
    return float(auc)
"""

GENERIC = "matches sklearn on random scores"

MUTANTS = [
    mutant(
        "a threshold at every example",
        "last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]",
        "last = np.arange(len(s))",
        "tied scores count one half, whatever the input order",
    ),
    mutant(
        "rectangles instead of trapezoids (a tie counts as a win)",
        "(tpr[1:] + tpr[:-1]) / 2",
        "tpr[1:]",
        "tied scores count one half, whatever the input order",
    ),
    mutant(
        "ranks ascending scores",
        'np.argsort(-s, kind="stable")',
        'np.argsort(s, kind="stable")',
        "a fully inverted ranking gives 0",
        GENERIC,
        "tied scores count one half, whatever the input order",  # it returns 1 - AUC there too
    ),
    mutant(
        "folds AUC below 0.5 up",
        "return float(auc)",
        "return float(max(auc, 1 - auc))",
        "a fully inverted ranking gives 0",
        GENERIC,  # these two also draw random scores, which may rank below chance
        "tied scores count one half, whatever the input order",
    ),
    mutant(
        "no error for a single class",
        "if n_pos == 0 or n_neg == 0:\n        raise",
        "if False:\n        raise",
        "one class only raises ValueError",
    ),
]
