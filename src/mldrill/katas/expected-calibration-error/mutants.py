"""Classic wrong ECEs, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def ece(probs, y, n_bins=15):
    probs = np.asarray(probs, dtype=float)
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == np.asarray(y)).astype(float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    gaps, weights = [], []
    for m in range(n_bins):
        in_bin = (conf > edges[m]) & (conf <= edges[m + 1])
        if in_bin.any():
            gaps.append(correct[in_bin].mean() - conf[in_bin].mean())
            weights.append(in_bin.mean())
    return float(np.dot(weights, np.abs(gaps)))
"""

GENERIC = "matches the ECE of random softmax outputs"
ONE = "a confidence of exactly 1.0 falls in the last bin"
EDGE = "a confidence on an inner edge belongs to the bin it closes"

MUTANTS = [
    mutant(
        "[lo, hi) bins lose a confidence of 1.0",
        "(conf > edges[m]) & (conf <= edges[m + 1])",
        "(conf >= edges[m]) & (conf < edges[m + 1])",
        ONE,
        EDGE,
    ),
    mutant(
        "floor(conf * M) as the bin index",
        "(conf > edges[m]) & (conf <= edges[m + 1])",
        "np.minimum(np.floor(conf * n_bins).astype(int), n_bins - 1) == m",
        EDGE,
    ),
    mutant(
        "unweighted mean over non-empty bins",
        "float(np.dot(weights, np.abs(gaps)))",
        "float(np.mean(np.abs(gaps)))",
        "each bin is weighted by its share of the examples",
        GENERIC,
        "the absolute gap is taken per bin",
        ONE,
        EDGE,
        "accuracy is measured inside each bin",
        "confidence is the top-class probability, also when wrong",
    ),
    mutant(
        "overall accuracy in every bin",
        "gaps.append(correct[in_bin].mean() - conf[in_bin].mean())",
        "gaps.append(correct.mean() - conf[in_bin].mean())",
        "accuracy is measured inside each bin",
        GENERIC,
        ONE,
        EDGE,
        "each bin is weighted by its share of the examples",
        "the absolute gap is taken per bin",
        "confidence is the top-class probability, also when wrong",
    ),
    mutant(
        "absolute value of the signed sum",
        "float(np.dot(weights, np.abs(gaps)))",
        "float(abs(np.dot(weights, gaps)))",
        "the absolute gap is taken per bin",
        GENERIC,
        ONE,
        EDGE,
        "accuracy is measured inside each bin",
        "each bin is weighted by its share of the examples",  # its bins have gaps of both signs too
        "confidence is the top-class probability, also when wrong",
    ),
    mutant(
        "confidence of the true class",
        "conf = probs.max(axis=1)",
        "conf = probs[np.arange(len(probs)), np.asarray(y)]",
        "confidence is the top-class probability, also when wrong",
        GENERIC,
        ONE,
        EDGE,
        "each bin is weighted by its share of the examples",
        "accuracy is measured inside each bin",
        "the absolute gap is taken per bin",
    ),
]
