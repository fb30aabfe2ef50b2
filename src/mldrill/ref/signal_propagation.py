"""Signal propagation through a deep random MLP at initialization: the mean-field variance map and a direct simulation.

Layer l: y_l = W_l h_{l-1}, h_l = phi(y_l), W_l entries iid N(0, sigma_w2 / width).
Forward   q_{l+1} = sigma_w2 * E_z[phi(sqrt(q_l) z)^2],  z ~ N(0, 1)    (the variance map; Poole et al., 2016)
Backward  chi     = sigma_w2 * E_z[phi'(sqrt(q*) z)^2]                   (per-layer growth of the backward signal)
ReLU      q_{l+1} = sigma_w2 * q_l / 2: Xavier (sigma_w2 = 1) halves the variance every layer, He (2) keeps it.
tanh      with He's sigma_w2 = 2 the map has a fixed point sqrt(q*) ~ 0.79: no saturation to +-1, and chi > 1,
          so gradients grow (slowly) toward the input instead of vanishing.

`variance_map`/`fixed_point`/`chi` integrate with Gauss-Hermite quadrature; `simulate` draws the net and runs autograd.
Tested in tests/ref/test_signal_propagation.py; the weight-init cards quote `simulate` (tests/content).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

Act = Callable[[torch.Tensor], torch.Tensor]

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(100)  # even: no node at 0, so a step at 0 integrates exactly
_WEIGHTS = _WEIGHTS / math.sqrt(2 * math.pi)


def _gauss_mean(f: Callable[[torch.Tensor], torch.Tensor], scale: float) -> float:
    z = torch.as_tensor(_NODES * scale, dtype=torch.float64)
    return float((torch.as_tensor(_WEIGHTS) * f(z)).sum())


def variance_map(q: float, phi: Act, sigma_w2: float) -> float:
    """Pre-activation variance of the next layer given this layer's, q -> sigma_w2 * E[phi(sqrt(q) z)^2]."""
    if q < 0 or sigma_w2 <= 0:
        raise ValueError(f"need q >= 0 and sigma_w2 > 0, got q={q}, sigma_w2={sigma_w2}")
    return sigma_w2 * _gauss_mean(lambda y: phi(y) ** 2, math.sqrt(q))


def fixed_point(phi: Act, sigma_w2: float, q0: float = 1.0, iters: int = 500) -> float:
    """Iterate the variance map to its limit (returns q*, the variance, not the std)."""
    q = q0
    for _ in range(iters):
        q = variance_map(q, phi, sigma_w2)
    return q


def chi(phi: Act, sigma_w2: float, q: float) -> float:
    """Per-layer factor on the backward signal's second moment at pre-activation variance q."""

    def dphi_sq(y: torch.Tensor) -> torch.Tensor:
        y = y.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(phi(y).sum(), y)
        return g**2

    return sigma_w2 * _gauss_mean(dphi_sq, math.sqrt(q))


@dataclass(frozen=True)
class Propagation:
    preact_std: list[float]  # std of y_l for l = 1..depth
    grad_rms: list[float]  # rms of dLoss/dy_l for l = 1..depth (random unit-variance projection as the loss)
    mean_abs_out: float  # mean |phi(y_depth)|


def simulate(depth: int, width: int, phi: Act, sigma_w2: float, *, batch: int = 256, seed: int = 0) -> Propagation:
    """Draw a depth x width MLP with Var(w) = sigma_w2 / width, push unit-variance inputs through it, backprop a
    random linear readout, and report per-layer statistics."""
    if depth < 1 or width < 1 or batch < 2:
        raise ValueError(f"need depth, width >= 1 and batch >= 2, got {depth}, {width}, {batch}")
    gen = torch.Generator().manual_seed(seed)
    h = torch.randn(batch, width, generator=gen)
    ys: list[torch.Tensor] = []
    for _ in range(depth):
        w = torch.randn(width, width, generator=gen) * math.sqrt(sigma_w2 / width)
        y = (h @ w.T).requires_grad_(True) if not ys else h @ w.T
        y.retain_grad()
        ys.append(y)
        h = phi(y)
    (h * torch.randn(h.shape, generator=gen)).sum().backward()
    return Propagation(
        preact_std=[float(y.detach().std()) for y in ys],
        # y.grad is set: backward() ran on a graph that uses every y (torch types .grad as Optional)
        grad_rms=[float(y.grad.pow(2).mean().sqrt()) for y in ys],  # type: ignore[union-attr]
        mean_abs_out=float(h.detach().abs().mean()),
    )
