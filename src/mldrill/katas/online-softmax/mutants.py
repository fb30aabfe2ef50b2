"""Classic wrong online softmaxes, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import numpy as np

def online_softmax(chunks):
    m, total = -np.inf, 0.0
    for c in chunks:
        c = np.asarray(c, dtype=float)
        if len(c) == 0:
            continue
        m_new = max(m, float(np.max(c)))
        if m_new == -np.inf:
            continue  # only masked entries so far: nothing to add
        scale = np.exp(m - m_new) if m > -np.inf else 0.0  # the old sum is 0 before the first finite max
        total = total * scale + float(np.sum(np.exp(c - m_new)))
        m = m_new
    x = np.concatenate([np.asarray(c, dtype=float) for c in chunks])
    return np.exp(x - m) / total
"""

GENERIC = "equals the softmax of the concatenation"
GROWS = "rescales the running sum when the max grows"

MUTANTS = [
    mutant("running sum never rescaled", "total * scale + ", "total + ", GROWS, GENERIC),
    mutant("rescaled by exp(m' - m)", "np.exp(m - m_new)", "np.exp(m_new - m)", GROWS, GENERIC),
    mutant(
        "an all -inf chunk subtracts -inf from -inf",
        "        if m_new == -np.inf:\n            continue  # only masked entries so far: nothing to add\n",
        "",
        "a first chunk of -inf does not produce NaN",
    ),
    mutant(
        "empty chunks not skipped", "        if len(c) == 0:\n            continue\n", "", "empty chunks are skipped"
    ),
    Mutant(
        "no max subtraction",
        (
            ("total * scale + float(np.sum(np.exp(c - m_new)))", "total + float(np.sum(np.exp(c)))"),
            ("return np.exp(x - m) / total", "return np.exp(x) / total"),
        ),
        "finite for values of +-1000",
    ),
]
