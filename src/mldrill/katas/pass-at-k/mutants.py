"""Classic wrong pass@k estimators, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import numpy as np

def pass_at_k(n, c, k):
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))
"""

GENERIC = "matches 1 - C(n-c, k) / C(n, k)"
RANDOM = "matches on random (n, c, k)"

MUTANTS = [
    mutant(
        "plug-in 1 - (1 - c/n)^k",
        "return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))",
        "return float(1 - (1 - c / n) ** k)",
        "is unbiased, not 1 - (1 - c/n)^k",
        GENERIC,
        RANDOM,
        "stays accurate for n in the thousands",
        "is exactly 1 when n - c < k",  # its n - c = k case is a value below 1, wrong here too
    ),
    Mutant(
        "binomial coefficients in floats",
        (
            ("import numpy as np", "import numpy as np\nfrom scipy.special import comb"),
            (
                "return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))",
                "return float(1.0 - comb(n - c, k) / comb(n, k))",
            ),
        ),
        "stays accurate for n in the thousands",
    ),
    mutant(
        "certain already at n - c = k",
        "if n - c < k:",
        "if n - c <= k:",
        "is exactly 1 when n - c < k",
        GENERIC,  # any drawn triple may sit on the boundary
        RANDOM,
        "is unbiased, not 1 - (1 - c/n)^k",
        "pass@1 = c / n",  # n - c = 1 = k when c = n - 1 is drawn
    ),
    mutant(
        "one factor too many",
        "np.arange(n - c + 1, n + 1)",
        "np.arange(n - c, n + 1)",
        GENERIC,
        RANDOM,
        "is unbiased, not 1 - (1 - c/n)^k",
        "pass@1 = c / n",
        "is exactly 1 when n - c < k",
        "stays accurate for n in the thousands",
    ),
    mutant(
        "returns the miss probability",
        "return float(1.0 - np.prod(",
        "return float(np.prod(",
        GENERIC,
        RANDOM,
        "is unbiased, not 1 - (1 - c/n)^k",
        "pass@1 = c / n",
        "stays accurate for n in the thousands",
        "is exactly 1 when n - c < k",
    ),
]
