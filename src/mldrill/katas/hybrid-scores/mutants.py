"""Classic wrong hybrid (BM25 + dense) scores, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def _normalize(s, norm):
    s = np.asarray(s, dtype=float)
    if np.ptp(s) == 0:
        return np.zeros_like(s)
    if norm == "minmax":
        return (s - s.min()) / (s.max() - s.min())
    return (s - s.mean()) / s.std()

def hybrid_scores(bm25, dense, *, alpha=0.5, norm="minmax"):
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return alpha * _normalize(bm25, norm) + (1 - alpha) * _normalize(dense, norm)
"""

GENERIC = "min-max normalization, then the weighted sum"

MUTANTS = [
    mutant(
        "raw scores mixed",
        "return alpha * _normalize(bm25, norm) + (1 - alpha) * _normalize(dense, norm)",
        "return alpha * np.asarray(bm25) + (1 - alpha) * np.asarray(dense)",
        "normalizes before combining",
        GENERIC,
        "z-score normalization",
        "constant scores normalize to zeros",  # a constant vector stays constant, not zero
    ),
    mutant(
        "sample standard deviation",
        "/ s.std()",
        "/ s.std(ddof=1)",
        "z-score normalization",
    ),
    mutant(
        "alpha weights the dense scores",
        "alpha * _normalize(bm25, norm) + (1 - alpha) * _normalize(dense, norm)",
        "(1 - alpha) * _normalize(bm25, norm) + alpha * _normalize(dense, norm)",
        GENERIC,
        "z-score normalization",  # alpha = 0.6 there
    ),
    mutant(
        "min-max without subtracting the min",
        "(s - s.min()) / (s.max() - s.min())",
        "s / s.max()",
        GENERIC,
        "normalizes before combining",  # the same alpha = 0.5 min-max call
    ),
    mutant(
        "divides by a zero range",
        "if np.ptp(s) == 0:\n        return np.zeros_like(s)",
        "pass",
        "constant scores normalize to zeros",
    ),
    mutant(
        "alpha not validated",
        "if not 0 <= alpha <= 1:",
        "if False:",
        "alpha outside [0, 1] raises ValueError",
    ),
]
