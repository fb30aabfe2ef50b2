"""Mixture-of-experts routing arithmetic: top-k gating, the Switch load-balancing loss, and capacity dropping.

Top-k gate: probs = softmax(x W_r) (T, E); each token goes to its k most probable experts.
Load-balancing loss (Switch Transformer, Fedus et al., 2021): aux = E * sum_i f_i * P_i, with f_i the fraction of
tokens whose top-1 expert is i and P_i the mean router probability of i. It is 1 when routing is uniform and grows
to E when every token goes to one expert. f is not differentiable; the gradient flows through P.
Capacity: each expert takes at most C = ceil(capacity_factor * k * T / E) tokens; the rest are dropped (they skip the
layer through the residual), first come first served in token order.
"""

from __future__ import annotations

import math

import torch


def top_k_gate(logits: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(probs (T, E), indices of the top-k experts (T, k))."""
    probs = torch.softmax(logits, dim=-1)  # (T, E)
    return probs, probs.topk(k, dim=-1).indices  # (T, k)


def load_balancing_loss(probs: torch.Tensor, top1: torch.Tensor) -> torch.Tensor:
    """E * sum_i f_i P_i; f from the hard top-1 assignment (no gradient), P the mean soft probability."""
    n_exp = probs.shape[-1]
    f = torch.bincount(top1, minlength=n_exp).to(probs.dtype) / top1.numel()  # (E,)
    return n_exp * (f * probs.mean(0)).sum()


def capacity(n_tokens: int, n_experts: int, *, k: int = 1, capacity_factor: float = 1.0) -> int:
    return math.ceil(capacity_factor * k * n_tokens / n_experts)


def dropped_fraction(assignments: torch.Tensor, n_experts: int, cap: int) -> float:
    """Share of (token, expert) assignments over capacity: each expert keeps its first `cap` tokens."""
    counts = torch.bincount(assignments.flatten(), minlength=n_experts)
    return float((counts - cap).clamp(min=0).sum() / assignments.numel())
