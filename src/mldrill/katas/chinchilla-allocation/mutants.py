"""Classic wrong Chinchilla allocations, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math

def chinchilla_allocation(compute, *, tokens_per_param=20.0):
    n = math.sqrt(compute / (6 * tokens_per_param))
    return n, tokens_per_param * n
"""

GENERIC = "matches N = sqrt(C / 6r), D = r N"
RATIO = "uses tokens_per_param"

MUTANTS = [
    mutant(
        "forgot the 6",
        "math.sqrt(compute / (6 * tokens_per_param))",
        "math.sqrt(compute / tokens_per_param)",
        "spends the whole budget: 6 N D = C",
        GENERIC,
        RATIO,
    ),
    mutant(
        "r outside the square root",
        "math.sqrt(compute / (6 * tokens_per_param))",
        "math.sqrt(compute / 6) / tokens_per_param",
        "spends the whole budget: 6 N D = C",
        GENERIC,
        RATIO,
    ),
    mutant(
        "no square root",
        "math.sqrt(compute / (6 * tokens_per_param))",
        "compute / (6 * tokens_per_param)",
        "N grows as the square root of C",
        GENERIC,
        RATIO,
        "spends the whole budget: 6 N D = C",
    ),
    mutant(
        "D = N / r",
        "return n, tokens_per_param * n",
        "return n, n / tokens_per_param",
        "D is r times N, not N / r",
        GENERIC,
        RATIO,
        "spends the whole budget: 6 N D = C",
        "returns (N, D): parameters first",
    ),
    mutant(
        "tokens_per_param hard-coded to 20",
        "    n = math.sqrt(compute / (6 * tokens_per_param))\n    return n, tokens_per_param * n",
        "    n = math.sqrt(compute / (6 * 20))\n    return n, 20 * n",
        "uses tokens_per_param",
        GENERIC,
    ),
    mutant(
        "returns (D, N)",
        "return n, tokens_per_param * n",
        "return tokens_per_param * n, n",
        "returns (N, D): parameters first",
        GENERIC,
        RATIO,
        "D is r times N, not N / r",
    ),
    mutant(
        "forward-only FLOPs: C = 2 N D",
        "math.sqrt(compute / (6 * tokens_per_param))",
        "math.sqrt(compute / (2 * tokens_per_param))",
        "spends the whole budget: 6 N D = C",
        GENERIC,
        RATIO,
    ),
]
