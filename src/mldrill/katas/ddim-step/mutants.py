"""Classic wrong DDIM steps, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def ddim_step(eps, t, t_prev, x_t, abar, *, eta=0.0, noise=None):
    a_t = abar[t]
    a_prev = abar[t_prev] if t_prev >= 0 else torch.ones((), dtype=abar.dtype)
    x0 = (x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)
    sigma = eta * torch.sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev))
    x_prev = torch.sqrt(a_prev) * x0 + torch.sqrt(1 - a_prev - sigma**2) * eps
    if eta > 0 and noise is not None:
        x_prev = x_prev + sigma * noise
    return x_prev
"""

GENERIC = "matches the DDIM update"
X0 = "predicts x0 with square roots of abar_t"
SKIP = "jumps to abar[t_prev]"
END = "t_prev = -1 ends at the predicted x0"
NOISE = "noise enters as sigma_t * z"
DIRECTION = "the direction term leaves room for the noise"

MUTANTS = [
    mutant(
        "x0 divided by abar_t",
        "x0 = (x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)",
        "x0 = (x_t - torch.sqrt(1 - a_t) * eps) / a_t",
        X0,
        GENERIC,
        SKIP,  # every step uses x0_hat
        END,
        DIRECTION,
    ),
    mutant(
        "abar[t - 1] for abar_prev",
        "a_prev = abar[t_prev] if t_prev >= 0 else",
        "a_prev = abar[t - 1] if t_prev >= 0 else",
        SKIP,
        GENERIC,
        NOISE,  # sigma depends on abar_prev too
        DIRECTION,
    ),
    mutant(
        "abar[-1] at the end",
        "a_prev = abar[t_prev] if t_prev >= 0 else torch.ones((), dtype=abar.dtype)",
        "a_prev = abar[t_prev]",
        END,
    ),
    mutant(
        "sigma without sqrt(1 - abar_t / abar_prev)",
        "sigma = eta * torch.sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev))",
        "sigma = eta * torch.sqrt((1 - a_prev) / (1 - a_t))",
        NOISE,
        GENERIC,
        DIRECTION,
    ),
    mutant(
        "direction ignores sigma",
        "torch.sqrt(1 - a_prev - sigma**2) * eps",
        "torch.sqrt(1 - a_prev) * eps",
        DIRECTION,
        GENERIC,
    ),
]
