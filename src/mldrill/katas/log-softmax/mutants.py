"""Classic wrong log-softmaxes, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    lse = m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))
    return x - lse
"""

GENERIC = "matches scipy on random logits"
BIG = "finite at logits of +-1000"
FAR = "finite where softmax underflows"
MASKED = "masked (-inf) entries stay -inf and the rest are normalized"
AXIS = "respects the axis argument"

MUTANTS = [
    mutant(
        "log of softmax",
        "lse = m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))\n    return x - lse",
        "e = np.exp(x - m)\n    return np.log(e / e.sum(axis=axis, keepdims=True))",
        FAR,
        BIG,  # its first row has an entry 2000 below the max: the same underflow
    ),
    mutant(
        "no max subtraction",
        "lse = m + np.log(np.exp(x - m)",
        "lse = np.log(np.exp(x)",
        BIG,
        FAR,  # its second row holds logits near 900: exp overflows there too
    ),
    mutant(
        "subtracts the global max",
        "m = x.max(axis=axis, keepdims=True)",
        "m = x.max()",
        BIG,
        FAR,  # a row far below the global max underflows to log(0)
    ),
    mutant(
        "sum over the last axis only",
        ".sum(axis=axis, keepdims=True)",
        ".sum(axis=-1, keepdims=True)",
        AXIS,
    ),
    mutant(
        "max without keepdims",
        "x.max(axis=axis, keepdims=True)",
        "x.max(axis=axis)",
        AXIS,
        GENERIC,  # the shapes no longer broadcast, so every 2-D call raises
        BIG,
        FAR,
        MASKED,
    ),
]
