"""Classic wrong KL estimators, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def kl_k1_k3(logp, logp_ref):
    x = logp_ref - logp
    k1 = -x
    k3 = torch.expm1(x) - x
    return k1, k3
"""

GENERIC = "matches k1 and k3 on random tokens"
RATIO = "k3 uses the ratio ref / pi"

MUTANTS = [
    mutant("k1 as log ref - log pi", "k1 = -x", "k1 = x", "k1 is log pi - log ref", GENERIC),
    mutant(
        "k3 with the ratio pi / ref",
        "k3 = torch.expm1(x) - x",
        "k3 = torch.expm1(-x) + x",
        RATIO,
        GENERIC,
    ),
    mutant("k2 instead of k3", "k3 = torch.expm1(x) - x", "k3 = 0.5 * x**2", RATIO, GENERIC),
    mutant(
        "k3 without the - 1",
        "k3 = torch.expm1(x) - x",
        "k3 = torch.exp(x) - x",
        RATIO,
        GENERIC,
        "k3 stays accurate when the policies are nearly equal",  # it is 1 there instead of about 0
    ),
    mutant(
        "k3 through exp - 1",
        "k3 = torch.expm1(x) - x",
        "k3 = torch.exp(x) - 1 - x",
        "k3 stays accurate when the policies are nearly equal",
    ),
]
