"""Classic wrong training-mode BatchNorms, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(dim=0, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=0, keepdim=True)
    rstd = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * rstd
    return gamma * x_hat + beta, (x_hat, gamma, rstd)
"""

GENERIC = "matches F.batch_norm(training=True)"
AXIS = "statistics over the batch dimension, per feature"
BIASED = "normalizes with the biased batch variance"
EPS = "eps inside the sqrt, with the value given"
BIG = "variance stays accurate for features with a large mean (float32)"

MUTANTS = [
    mutant(
        "statistics over the features (LayerNorm's axis)",
        "mean = x.mean(dim=0, keepdim=True)\n    var = ((x - mean) ** 2).mean(dim=0, keepdim=True)",
        "mean = x.mean(dim=1, keepdim=True)\n    var = ((x - mean) ** 2).mean(dim=1, keepdim=True)",
        AXIS,
        GENERIC,
        # rstd comes back (N, 1), not (1, C): every check compares it, as it compares every output
        BIASED,
        EPS,
        BIG,
    ),
    mutant(
        "unbiased batch variance",
        "var = ((x - mean) ** 2).mean(dim=0, keepdim=True)",
        "var = x.var(dim=0, keepdim=True)",
        BIASED,
        GENERIC,
    ),
    mutant("eps outside the sqrt", "torch.sqrt(var + eps)", "(torch.sqrt(var) + eps)", EPS, GENERIC),
    mutant(
        "eps ignored in favour of a hard-coded 1e-5",
        "torch.sqrt(var + eps)",
        "torch.sqrt(var + 1e-5)",
        EPS,
    ),
    mutant(
        "rstd cached without keepdim, shape (C,)",
        "var = ((x - mean) ** 2).mean(dim=0, keepdim=True)",
        "var = ((x - mean) ** 2).mean(dim=0)",
        GENERIC,
    ),
    mutant(
        "one-pass variance E[x^2] - E[x]^2",
        "var = ((x - mean) ** 2).mean(dim=0, keepdim=True)",
        "var = (x**2).mean(dim=0, keepdim=True) - mean**2",
        BIG,
    ),
]
