"""Classic wrong ALiBi slopes, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math

import torch

def _pow2(n):
    return [2 ** (-8 * (k + 1) / n) for k in range(n)]

def alibi_slopes(h):
    p = 2 ** math.floor(math.log2(h))
    slopes = _pow2(p) + _pow2(2 * p)[0::2][: h - p]
    return torch.tensor(slopes, dtype=torch.float64)
"""

POWERS = "powers of two: 2^(-8k/h)"
ODD = "non-powers of two interleave the slopes of 2p heads"
LARGE = "large head counts"

MUTANTS = [
    mutant("k from 0 (first slope 1)", "-8 * (k + 1) / n", "-8 * k / n", POWERS, ODD, LARGE),
    mutant("exponent without the 8", "-8 * (k + 1) / n", "-(k + 1) / n", POWERS, ODD, LARGE),
    mutant("2^(-8k/h) for every h", "p = 2 ** math.floor(math.log2(h))", "p = h", ODD, LARGE),
    mutant("the other half of the 2p slopes", "[0::2]", "[1::2]", ODD, LARGE),
    mutant("the first 2p slopes, not every other", "[0::2][: h - p]", "[: h - p]", ODD, LARGE),
]
