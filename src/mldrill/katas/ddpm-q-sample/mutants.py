"""Classic wrong forward-process code, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def q_sample_posterior_mean(x0, t, betas, noise):
    abar = torch.cumprod(1 - betas, dim=0)
    shape = (-1,) + (1,) * (x0.dim() - 1)
    a = abar[t].reshape(shape)
    a_prev = torch.where(t > 0, abar[(t - 1).clamp_min(0)], torch.ones_like(abar[t])).reshape(shape)
    beta = betas[t].reshape(shape)
    x_t = a.sqrt() * x0 + (1 - a).sqrt() * noise
    mean = a_prev.sqrt() * beta / (1 - a) * x0 + (1 - beta).sqrt() * (1 - a_prev) / (1 - a) * x_t
    return x_t, mean
"""

GENERIC = "matches q_sample and the posterior mean"
POSTERIOR = "posterior mean coefficients"

MUTANTS = [
    mutant(
        "alpha_t for abar_t",
        "abar = torch.cumprod(1 - betas, dim=0)",
        "abar = 1 - betas",
        "x_t uses the cumulative product abar_t",
        GENERIC,
        POSTERIOR,
        "a per-example t broadcasts over any shape",  # every t >= 1 is wrong
    ),
    mutant(
        "no square roots",
        "x_t = a.sqrt() * x0 + (1 - a).sqrt() * noise",
        "x_t = a * x0 + (1 - a) * noise",
        "x_t scales by square roots",
        GENERIC,
        "x_t uses the cumulative product abar_t",
        "a per-example t broadcasts over any shape",
        POSTERIOR,  # the mean is computed from the wrong x_t
    ),
    mutant(
        "2-D only broadcast",
        "    shape = (-1,) + (1,) * (x0.dim() - 1)\n",
        "    shape = (-1, 1)\n",
        "a per-example t broadcasts over any shape",
        GENERIC,  # one of its batches is (B, 2, 3)
    ),
    mutant(
        "swapped posterior coefficients",
        "mean = a_prev.sqrt() * beta / (1 - a) * x0 + (1 - beta).sqrt() * (1 - a_prev) / (1 - a) * x_t",
        "mean = (1 - beta).sqrt() * beta / (1 - a) * x0 + a_prev.sqrt() * (1 - a_prev) / (1 - a) * x_t",
        POSTERIOR,
        GENERIC,
        "abar_{t-1} = 1 at t = 0",
        "a per-example t broadcasts over any shape",
    ),
    mutant(
        "abar[t - 1] wraps at t = 0",
        "a_prev = torch.where(t > 0, abar[(t - 1).clamp_min(0)], torch.ones_like(abar[t])).reshape(shape)",
        "a_prev = abar[t - 1].reshape(shape)",
        "abar_{t-1} = 1 at t = 0",
    ),
]
