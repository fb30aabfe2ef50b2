"""Compute, parameter and scaling-law calculators for transformer language models (cards quote these numbers).

- Training compute C ~ 6 N D FLOPs (2 for the forward multiply-adds, 4 for the backward), N parameters, D tokens.
- Forward FLOPs of one layer on n tokens of width d (4d-wide FFN, 1 multiply-add = 2 FLOPs):
      24 n d^2 (Q, K, V, O projections 8 n d^2 + FFN 16 n d^2) + 4 n^2 d (QK^T and AV)
- Chinchilla (Hoffmann et al., 2022), approach 3 fit: L(N, D) = E + A / N^alpha + B / D^beta with E = 1.69,
  A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28 (M64: Kaplan's alpha ~ 0.076 is a different law). Compute-optimal
  training uses ~20 tokens per parameter: C = 6 N (20 N) = 120 N^2, so N_opt = sqrt(C / 120), D_opt = 20 N_opt. That
  minimises training compute only; serving cost favours smaller models trained longer.
- Embedding cost: V d parameters for the table, another V d for an untied LM head.

Tested against closed forms and torch's FlopCounterMode on a real block (tests/ref/test_scaling.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CHINCHILLA = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}


def training_flops(n_params: float, n_tokens: float) -> float:
    return 6.0 * n_params * n_tokens


def forward_flops_per_layer(n: int, d: int) -> int:
    return 24 * n * d * d + 4 * n * n * d


@dataclass(frozen=True)
class ComputeOptimal:
    n_params: float
    n_tokens: float


def chinchilla_optimal(compute: float, *, tokens_per_param: float = 20.0) -> ComputeOptimal:
    n = math.sqrt(compute / (6.0 * tokens_per_param))
    return ComputeOptimal(n_params=n, n_tokens=tokens_per_param * n)


def chinchilla_allocation(compute: float, *, tokens_per_param: float = 20.0) -> tuple[float, float]:
    """(N, D) with 6 N D = compute and D = tokens_per_param * N: `chinchilla_optimal` as a plain tuple."""
    opt = chinchilla_optimal(compute, tokens_per_param=tokens_per_param)
    return opt.n_params, opt.n_tokens


def chinchilla_loss(n_params: float, n_tokens: float) -> float:
    c = CHINCHILLA
    return c["E"] + c["A"] / n_params ** c["alpha"] + c["B"] / n_tokens ** c["beta"]


def vocab_cost(V: int, d: int, *, tied: bool = True) -> int:
    """Embedding + LM-head parameters: V d if tied, 2 V d otherwise."""
    return V * d * (1 if tied else 2)
