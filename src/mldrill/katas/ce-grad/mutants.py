"""Classic wrong cross-entropy gradients, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def ce_grad(logits, y, reduction="mean"):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    g = e / e.sum(axis=1, keepdims=True)
    n = len(y)
    g[np.arange(n), y] -= 1.0
    return g / n if reduction == "mean" else g
"""

GENERIC = "matches the derivative of the mean cross-entropy"
SIGN = "p - y, with the sign of the gradient"
SUM = "reduction='sum' does not divide by N"
BIG = "finite for logits of +-1000"

MUTANTS = [
    mutant(
        "y - p",
        "g[np.arange(n), y] -= 1.0\n    return g / n",
        "g[np.arange(n), y] -= 1.0\n    g = -g\n    return g / n",
        SIGN,
        GENERIC,
        SUM,
        BIG,
    ),  # the sign is wrong in every check
    mutant("no max subtraction", "z = logits - logits.max(axis=1, keepdims=True)", "z = logits", BIG),
    mutant("mean not divided by N", "return g / n if", "return g if", GENERIC, SIGN, BIG),  # all reduce by the mean
    mutant("divides by N for 'sum' too", 'g / n if reduction == "mean" else g', "g / n", SUM),
    mutant(
        "onehot subtracted in every row",
        "g[np.arange(n), y] -= 1.0",
        "g[:, y] -= 1.0",
        GENERIC,
        SIGN,  # every check has several labels
        SUM,
        BIG,
    ),
    mutant(
        "softmax over the batch axis",
        "e / e.sum(axis=1, keepdims=True)",
        "e / e.sum(axis=0, keepdims=True)",
        GENERIC,
        SIGN,
        SUM,
        BIG,
    ),
]
