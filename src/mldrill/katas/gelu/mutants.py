"""Classic wrong GELUs, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math
import torch

def gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    if approximate == "sigmoid":
        return x * torch.sigmoid(1.702 * x)
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
"""

EXACT = "exact GELU is x Phi(x)"
TANH = "tanh approximation (GPT-2)"

MUTANTS = [
    mutant("erf(x) without the sqrt(2)", "torch.erf(x / math.sqrt(2))", "torch.erf(x)", EXACT),
    mutant("the 1/2 of Phi dropped", "return 0.5 * x * (1 + torch.erf", "return x * (1 + torch.erf", EXACT),
    mutant(
        "the tanh form for the exact GELU",
        "return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))",
        "return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))",
        EXACT,
    ),
    mutant("tanh form without the cubic term", "(x + 0.044715 * x**3)", "x", TANH),
    mutant("sqrt(2 pi) instead of sqrt(2 / pi)", "math.sqrt(2 / math.pi)", "math.sqrt(2 * math.pi)", TANH),
    mutant("SiLU for the sigmoid form", "torch.sigmoid(1.702 * x)", "torch.sigmoid(x)", "sigmoid approximation"),
]
