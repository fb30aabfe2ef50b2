"""Classic wrong softmaxes, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def softmax(x, axis=-1):
    z = x - x.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
"""

MUTANTS = [
    mutant("no max subtraction", "z = x - x.max(axis=axis, keepdims=True)", "z = x", "finite at logits of +-1000"),
    mutant(
        "sums over every axis",
        "e / e.sum(axis=axis, keepdims=True)",
        "e / e.sum()",
        "matches scipy on random logits",
        "respects the axis argument",
        "equal logits give 1/n",
        "finite at logits of +-1000",
    ),
    mutant(
        "hard-coded last axis",
        "e / e.sum(axis=axis, keepdims=True)",
        "e / e.sum(axis=-1, keepdims=True)",
        "respects the axis argument",
    ),
    mutant(
        "max without keepdims",
        "x.max(axis=axis, keepdims=True)",
        "x.max(axis=axis)",
        "respects the axis argument",
        "matches scipy on random logits",  # the shapes no longer broadcast, so every 2-D call raises
        "finite at logits of +-1000",
        "equal logits give 1/n",
    ),
    mutant(
        "subtracts the global max",
        "x.max(axis=axis, keepdims=True)",
        "x.max()",
        "finite at logits of +-1000",
    ),
]
