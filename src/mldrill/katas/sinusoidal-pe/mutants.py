"""Classic wrong sinusoidal position tables, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def sinusoidal_pe(n, d, *, base=10000.0):
    inv_freq = base ** (-np.arange(0, d, 2) / d)  # one frequency per (sin, cos) pair
    angles = np.arange(n)[:, None] * inv_freq[None, :]
    pe = np.empty((n, d))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe
"""

GENERIC = "matches the formula"
LAYOUT = "sin and cos interleave on even and odd channels"
EXPONENT = "the exponent is 2i/d"
ZERO = "position 0 is [0, 1, 0, 1, ...]"
BASE = "uses base"

MUTANTS = [
    mutant(
        "all sines, then all cosines",
        "pe[:, 0::2] = np.sin(angles)\n    pe[:, 1::2] = np.cos(angles)",
        "pe[:, : d // 2] = np.sin(angles)\n    pe[:, d // 2 :] = np.cos(angles)",
        LAYOUT,
        GENERIC,  # every table has the other layout
        EXPONENT,
        ZERO,
        BASE,
    ),
    mutant(
        "cosines on the even channels",
        "pe[:, 0::2] = np.sin(angles)\n    pe[:, 1::2] = np.cos(angles)",
        "pe[:, 0::2] = np.cos(angles)\n    pe[:, 1::2] = np.sin(angles)",
        LAYOUT,
        GENERIC,
        EXPONENT,
        ZERO,
        BASE,
    ),
    mutant(
        "exponent i/d",
        "-np.arange(0, d, 2) / d",
        "-np.arange(d // 2) / d",
        EXPONENT,
        GENERIC,  # every table with more than one position
        LAYOUT,
        BASE,
    ),
    mutant(
        "positions from 1",
        "np.arange(n)[:, None]",
        "np.arange(1, n + 1)[:, None]",
        ZERO,
        GENERIC,  # every row is shifted
        LAYOUT,
        EXPONENT,
        BASE,
    ),
    mutant("base hard-coded", "inv_freq = base **", "inv_freq = 10000.0 **", BASE),
]
