"""DDPM noise schedules and the forward process.

x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps,  abar_t = prod_{s <= t} (1 - beta_s),  SNR(t) = abar_t / (1 - abar_t).

Linear (Ho et al., 2020): beta from 1e-4 to 0.02 over T = 1000 steps. Cosine (Nichol & Dhariwal, 2021):
abar_t = f(t) / f(0), f(t) = cos^2(((t/T + s) / (1 + s)) pi/2), s = 0.008, and beta_t = 1 - abar_t / abar_{t-1}
clipped at 0.999 (diffusers' "squaredcos_cap_v2"). Index t runs 1..T; abar_0 = 1.
"""

from __future__ import annotations

import math

import numpy as np


def linear_betas(T: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02) -> np.ndarray:
    return np.linspace(beta_start, beta_end, T)


def cosine_betas(T: int = 1000, *, s: float = 0.008, max_beta: float = 0.999) -> np.ndarray:
    def f(t: float) -> float:
        return math.cos((t / T + s) / (1 + s) * math.pi / 2) ** 2

    abar = np.array([f(t) / f(0) for t in range(T + 1)])  # (T + 1,), abar[0] = 1
    return np.minimum(1 - abar[1:] / abar[:-1], max_beta)


def alphas_bar(betas: np.ndarray) -> np.ndarray:
    """abar_t for t = 1..T (index t - 1)."""
    return np.cumprod(1.0 - betas)


def log_snr(abar: np.ndarray) -> np.ndarray:
    return np.log(abar) - np.log1p(-abar)


def q_sample(x0: np.ndarray, abar_t: float, noise: np.ndarray) -> np.ndarray:
    """A draw of x_t given x_0 and the noise."""
    return math.sqrt(abar_t) * x0 + math.sqrt(1 - abar_t) * noise
