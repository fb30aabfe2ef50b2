"""Classic wrong LayerNorms, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
"""

GENERIC = "matches F.layer_norm on random inputs"
FLOAT32 = "agrees with the reference implementation in float32"  # the generic check again, in float32

MUTANTS = [
    mutant(
        "unbiased variance",
        "var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)",
        "var = x.var(dim=-1, keepdim=True)",
        "uses the biased variance",
        GENERIC,
        FLOAT32,
    ),
    mutant(
        "eps outside the sqrt",
        "torch.sqrt(var + eps)",
        "(torch.sqrt(var) + eps)",
        "eps inside the sqrt, default 1e-5",
        GENERIC,
    ),
    mutant(
        "BERT's eps of 1e-12 as the default",
        "eps=1e-5",
        "eps=1e-12",
        "eps inside the sqrt, default 1e-5",
        GENERIC,
    ),
    mutant(
        "one-pass variance E[x^2] - E[x]^2",
        "var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)",
        "var = (x**2).mean(dim=-1, keepdim=True) - mean**2",
        "variance stays accurate for inputs with a large mean (float32)",
    ),
    mutant(
        "statistics without keepdim",
        "mean = x.mean(dim=-1, keepdim=True)",
        "mean = x.mean(dim=-1)",
        GENERIC,
        # (N, C) - (N,) does not broadcast, so every check with a 2-D input raises
        "uses the biased variance",
        "eps inside the sqrt, default 1e-5",
        FLOAT32,
        "variance stays accurate for inputs with a large mean (float32)",
    ),
]
