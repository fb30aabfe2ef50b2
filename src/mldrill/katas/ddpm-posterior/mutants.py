"""Classic wrong DDPM posteriors, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def posterior_coefficients(betas):
    alphas = 1 - betas
    abar = torch.cumprod(alphas, dim=0)
    abar_prev = torch.cat([torch.ones(1, dtype=abar.dtype), abar[:-1]])
    coef_x0 = abar_prev.sqrt() * betas / (1 - abar)
    coef_xt = alphas.sqrt() * (1 - abar_prev) / (1 - abar)
    variance = (1 - abar_prev) / (1 - abar) * betas
    return coef_x0, coef_xt, variance
"""

GENERIC = "matches the DDPM posterior on linear and cosine schedules"

MUTANTS = [
    mutant(
        "abar[t - 1] wraps at t = 0",
        "abar_prev = torch.cat([torch.ones(1, dtype=abar.dtype), abar[:-1]])",
        "abar_prev = torch.roll(abar, 1)",
        "t = 0: abar_{t-1} is 1, so the mean is x_0 and the variance 0",
        GENERIC,
    ),
    mutant(
        "alpha instead of alpha-bar",
        "abar = torch.cumprod(alphas, dim=0)",
        "abar = alphas",
        "alpha-bar is the cumulative product of 1 - beta",
        GENERIC,
        "abar_{t-1} is the previous step's, not abar_t",
        "the x_t coefficient has the one-step sqrt(alpha_t)",
        "square roots in the mean coefficients",
        "the variance is beta-tilde, not beta_t",
    ),
    mutant(
        "abar_t for abar_{t-1}",
        "abar_prev = torch.cat([torch.ones(1, dtype=abar.dtype), abar[:-1]])",
        "abar_prev = abar",
        "abar_{t-1} is the previous step's, not abar_t",
        GENERIC,
        "t = 0: abar_{t-1} is 1, so the mean is x_0 and the variance 0",
        "alpha-bar is the cumulative product of 1 - beta",
        "the x_t coefficient has the one-step sqrt(alpha_t)",
        "square roots in the mean coefficients",
        "the variance is beta-tilde, not beta_t",
    ),
    mutant(
        "sqrt(abar_t) weights x_t",
        "coef_xt = alphas.sqrt() * (1 - abar_prev) / (1 - abar)",
        "coef_xt = abar.sqrt() * (1 - abar_prev) / (1 - abar)",
        "the x_t coefficient has the one-step sqrt(alpha_t)",
        GENERIC,
        "alpha-bar is the cumulative product of 1 - beta",
        "abar_{t-1} is the previous step's, not abar_t",
        "square roots in the mean coefficients",
    ),
    mutant(
        "no square roots",
        "    coef_x0 = abar_prev.sqrt() * betas / (1 - abar)\n    coef_xt = alphas.sqrt() * (1 - abar_prev)",
        "    coef_x0 = abar_prev * betas / (1 - abar)\n    coef_xt = alphas * (1 - abar_prev)",
        "square roots in the mean coefficients",
        GENERIC,
        "alpha-bar is the cumulative product of 1 - beta",
        "abar_{t-1} is the previous step's, not abar_t",
        "the x_t coefficient has the one-step sqrt(alpha_t)",
    ),
    mutant(
        "variance beta_t",
        "variance = (1 - abar_prev) / (1 - abar) * betas",
        "variance = betas",
        "the variance is beta-tilde, not beta_t",
        GENERIC,
        "t = 0: abar_{t-1} is 1, so the mean is x_0 and the variance 0",
        "alpha-bar is the cumulative product of 1 - beta",
        "abar_{t-1} is the previous step's, not abar_t",
    ),
    mutant(
        "the standard deviation returned as the variance",
        "variance = (1 - abar_prev) / (1 - abar) * betas",
        "variance = ((1 - abar_prev) / (1 - abar) * betas).sqrt()",
        "the variance is beta-tilde, not beta_t",
        GENERIC,
        "alpha-bar is the cumulative product of 1 - beta",
        "abar_{t-1} is the previous step's, not abar_t",
    ),
]
