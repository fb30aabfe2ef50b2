"""Classic wrong dropouts, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def dropout(x, p=0.5, training=True, *, generator=None):
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator, dtype=x.dtype) >= p
    return x * keep / (1 - p)
"""

EVAL = "eval mode is the identity"
SCALED = "survivors are scaled by 1/(1 - p) in training"

MUTANTS = [
    Mutant(
        "p read as the keep probability",
        (
            (
                "keep = torch.rand(x.shape, generator=generator, dtype=x.dtype) >= p",
                "keep = torch.rand(x.shape, generator=generator, dtype=x.dtype) < p",
            ),
            ("x * keep / (1 - p)", "x * keep / p"),
        ),
        "p is the probability of dropping (chi-square, alpha = 1e-6)",
    ),
    mutant("eval scales by 1 - p", "        return x\n", "        return x * (1 - p)\n", EVAL),
    mutant("the training flag ignored", "    if not training:\n        return x\n", "", EVAL),
    mutant("survivors not rescaled", "x * keep / (1 - p)", "x * keep", SCALED),
    Mutant(
        "vanilla dropout (no scale in training, 1 - p at eval)",
        (("        return x\n", "        return x * (1 - p)\n"), ("x * keep / (1 - p)", "x * keep")),
        EVAL,
        (SCALED,),  # the other half of the same belief: the training output is then unscaled
    ),
    mutant(
        "p = 1 divides by zero",
        "    if p >= 1:\n        return torch.zeros_like(x)\n",
        "",
        "p = 1 drops everything without NaN",
    ),
    mutant(
        "the global RNG instead of the generator",
        "torch.rand(x.shape, generator=generator, dtype=x.dtype)",
        "torch.rand(x.shape, dtype=x.dtype)",
        "draws the mask from the generator it is given",
    ),
]
