"""Numerically stable softmax, log-softmax and log-sum-exp, the softmax Jacobian and the softmax + CE gradient.

softmax(z)_i   = exp(z_i - m) / sum_j exp(z_j - m),  m = max_j z_j
logsumexp(z)   = m + log sum_j exp(z_j - m)
log_softmax(z) = z - logsumexp(z)
J = d softmax / d z = diag(p) - p p^T                      (symmetric, every row sums to 0)
d CE / d z = p - onehot(y)                                 (divided by N under mean reduction)

Traps: exp(z) overflows float64 for z >= 710 (float32 for z >= 89), so subtract the max first; softmax is
shift-invariant, so the subtraction changes nothing mathematically. `log(softmax(z))` underflows to log(0) = -inf
and gives NaN gradients: compute log-softmax directly. Equal logits give 1/n each (M1: softmax([3, 0, 0]) =
[0.909, 0.045, 0.045]).

Fully -inf rows follow SciPy and PyTorch: logsumexp = -inf, softmax = NaN (0/0). Attention code that can see a fully
masked row must handle it explicitly (see M21); we do not hide it here.

NumPy functions first (oracle: scipy.special), then torch twins `*_torch` (oracle: torch.softmax and friends,
forward and backward). Tests: tests/ref/test_numerics.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # torch is optional for the app: the NumPy half of this module must import without it
    import torch


def _safe_max(x: np.ndarray, axis: int) -> np.ndarray:
    """Row max with non-finite maxima replaced by 0 (so a fully -inf row gives -inf - 0, not -inf - -inf = NaN)."""
    m = np.max(x, axis=axis, keepdims=True)  # (..., 1, ...)
    return np.where(np.isfinite(m), m, 0.0)


def logsumexp(x: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """log(sum(exp(x))) along `axis`, without overflow. A fully -inf slice gives -inf."""
    x = np.asarray(x, dtype=np.float64 if np.asarray(x).dtype.kind in "iub" else None)
    m = _safe_max(x, axis)  # (..., 1, ...)
    with np.errstate(divide="ignore"):  # log(0) = -inf for a fully -inf row is the intended answer
        out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """exp(x - max) / sum(exp(x - max)) along `axis`."""
    x = np.asarray(x, dtype=np.float64 if np.asarray(x).dtype.kind in "iub" else None)
    m = np.max(x, axis=axis, keepdims=True)  # (..., 1, ...); -inf for a fully -inf row -> NaN, as in SciPy
    with np.errstate(invalid="ignore"):
        e = np.exp(x - m)
        return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """x - logsumexp(x): finite wherever softmax underflows to 0."""
    x = np.asarray(x, dtype=np.float64 if np.asarray(x).dtype.kind in "iub" else None)
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax_jacobian(p: np.ndarray) -> np.ndarray:
    """Jacobian of softmax given its output p: diag(p) - p p^T. Batched over leading dims: (..., C) -> (..., C, C)."""
    p = np.asarray(p)
    eye = np.eye(p.shape[-1], dtype=p.dtype)
    return p[..., :, None] * eye - p[..., :, None] * p[..., None, :]  # (..., C, C)


def ce_grad(logits: np.ndarray, y: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """Gradient of mean (or summed) cross-entropy w.r.t. logits (N, C): (softmax(z) - onehot(y)) / N."""
    logits = np.asarray(logits, dtype=np.float64)
    n = logits.shape[0]
    g = softmax(logits, axis=-1)  # (N, C)
    g[np.arange(n), np.asarray(y)] -= 1.0
    if reduction == "mean":
        g /= n
    elif reduction != "sum":
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
    return g


# --- torch twins: same math on tensors, differentiable by autograd --------------------------------------------------


def logsumexp_torch(x: torch.Tensor, dim: int = -1, keepdim: bool = False) -> torch.Tensor:
    import torch

    m = x.detach().amax(dim=dim, keepdim=True)  # (..., 1); detached: the shift does not change the value
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    out = m + torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))
    return out if keepdim else out.squeeze(dim)


def softmax_torch(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    import torch

    e = torch.exp(x - x.detach().amax(dim=dim, keepdim=True))
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax_torch(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    return x - logsumexp_torch(x, dim=dim, keepdim=True)


def softmax_jacobian_torch(p: torch.Tensor) -> torch.Tensor:
    import torch

    return torch.diag_embed(p) - p.unsqueeze(-1) * p.unsqueeze(-2)  # (..., C, C)
