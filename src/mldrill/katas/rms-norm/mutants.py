"""Classic wrong RMSNorms, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def rms_norm(x, weight, eps=1e-6):
    ms = (x * x).mean(dim=-1, keepdim=True)
    return x / torch.sqrt(ms + eps) * weight
"""

GENERIC = "matches F.rms_norm on random inputs"
CENTRED = "no mean subtraction: divides by the RMS, not the standard deviation"
EPS = "eps inside the sqrt, and the given value"
F32 = "float32 in, float32 out"  # the generic comparison again, in float32

MUTANTS = [
    mutant(
        "subtracts the mean (LayerNorm's habit)",
        "    ms = (x * x)",
        "    x = x - x.mean(dim=-1, keepdim=True)\n    ms = (x * x)",
        CENTRED,
        GENERIC,
        F32,
    ),
    mutant(
        "divides by the standard deviation",
        "(x * x).mean(dim=-1, keepdim=True)",
        "x.var(dim=-1, keepdim=True, unbiased=False)",
        CENTRED,
        GENERIC,
        F32,
    ),
    mutant("eps outside the sqrt", "torch.sqrt(ms + eps)", "(torch.sqrt(ms) + eps)", EPS, GENERIC),
    mutant("eps argument ignored", "ms + eps", "ms + 1e-6", EPS),
    mutant("computed in float64, never cast back", "    ms = (x * x)", "    x = x.double()\n    ms = (x * x)", F32),
    mutant(
        "mean square without keepdim",
        "(x * x).mean(dim=-1, keepdim=True)",
        "(x * x).mean(dim=-1)",
        GENERIC,
        # (N, C) / (N,) does not broadcast, so every check's call raises
        CENTRED,
        EPS,
        F32,
    ),
]
