"""Normalization layers: BatchNorm, LayerNorm, RMSNorm, GroupNorm, InstanceNorm, plus hand-written backward passes.

BatchNorm   (Ioffe & Szegedy, 2015): y = gamma (x - mu_B) / sqrt(var_B + eps) + beta, statistics per channel over
            (N, L) or (N, H, W). Train: biased batch variance (/n); running_var tracks the *unbiased* one (/(n-1)),
            running <- (1 - momentum) running + momentum batch, momentum = 0.1 (M9). Eval: running statistics.
LayerNorm   (Ba et al., 2016): per token over the last dims; no running statistics; same in train and eval;
            eps inside the sqrt, default 1e-5 (M10).
RMSNorm     (Zhang & Sennrich, 2019): x / sqrt(mean(x^2) + eps) * gamma: no mean, no beta. eps defaults to
            finfo(dtype).eps as in nn.RMSNorm.
GroupNorm   (Wu & He, 2018): LayerNorm over groups of C/G channels; G = 1 is LN over (C, H, W), G = C is InstanceNorm.

Manual backward in the llm.c style: `*_forward(...) -> (out, cache)`, `*_backward(dout, cache) -> grads`.
  LayerNorm: dx = rstd * (dn - mean(dn) - n * mean(dn * n)),  dn = dout * gamma, n = normalized x.
  BatchNorm (train): the same formula with the mean taken over the batch instead of the features.

Traps: forgetting model.eval() (the #1 BN bug); batch size 1 in train mode raises; a bias before BN is redundant
(the mean subtraction removes it). Tested against torch.nn (tests/ref/test_norms.py).
"""

from __future__ import annotations

import torch
from torch import nn


def layer_norm(
    x: torch.Tensor, weight: torch.Tensor | None = None, bias: torch.Tensor | None = None, eps: float = 1e-5
) -> torch.Tensor:
    """F.layer_norm over the last dim (weight/bias shape (C,))."""
    xc = x - x.mean(dim=-1, keepdim=True)  # (..., C) centred once, reused
    var = (xc * xc).mean(dim=-1, keepdim=True)  # (..., 1) biased, two-pass
    y = xc * torch.rsqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def rms_norm(x: torch.Tensor, weight: torch.Tensor | None = None, eps: float | None = None) -> torch.Tensor:
    """x / sqrt(mean(x^2, -1) + eps) * weight; eps=None means torch.finfo(x.dtype).eps, like nn.RMSNorm."""
    eps = torch.finfo(x.dtype).eps if eps is None else eps
    y = x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps)  # (..., C)
    return y * weight if weight is not None else y


def group_norm(
    x: torch.Tensor,
    num_groups: int,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """F.group_norm for x (N, C, *): statistics per (sample, group) over C/G channels and all spatial positions."""
    n, c = x.shape[:2]
    if c % num_groups:
        raise ValueError(f"num_channels={c} must be divisible by num_groups={num_groups}")
    xg = x.reshape(n, num_groups, -1)  # (N, G, C/G * spatial)
    mean = xg.mean(dim=-1, keepdim=True)  # (N, G, 1)
    var = ((xg - mean) ** 2).mean(dim=-1, keepdim=True)
    y = ((xg - mean) / torch.sqrt(var + eps)).reshape(x.shape)  # (N, C, *)
    shape = (1, c) + (1,) * (x.dim() - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def instance_norm(
    x: torch.Tensor, weight: torch.Tensor | None = None, bias: torch.Tensor | None = None, eps: float = 1e-5
) -> torch.Tensor:
    """F.instance_norm with input statistics: per (sample, channel) over spatial positions = GroupNorm with G = C."""
    return group_norm(x, x.shape[1], weight, bias, eps)


class _BatchNorm(nn.Module):
    """BatchNorm over every dim except 1. Parameter and buffer names match nn.BatchNorm*d (state dicts load)."""

    running_mean: torch.Tensor
    running_var: torch.Tensor
    num_batches_tracked: torch.Tensor

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_features)) if affine else None
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def _check(self, x: torch.Tensor) -> None:
        raise NotImplementedError  # abstract: BatchNorm1d/2d each check their input rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check(x)
        dims = [0, *range(2, x.dim())]
        shape = (1, -1) + (1,) * (x.dim() - 2)
        if self.training:
            n = x.numel() // x.shape[1]
            if n <= 1:
                raise ValueError(
                    f"Expected more than 1 value per channel when training, got input size {tuple(x.shape)}"
                )
            mean = x.mean(dim=dims)  # (C,)
            var = ((x - mean.reshape(shape)) ** 2).mean(dim=dims)  # (C,) biased: used to normalize
            with torch.no_grad():
                self.num_batches_tracked += 1
                m = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
                self.running_mean.mul_(1 - m).add_(m * mean)
                self.running_var.mul_(1 - m).add_(m * var * n / (n - 1))  # unbiased
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + self.eps)
        if self.weight is not None and self.bias is not None:
            y = y * self.weight.reshape(shape) + self.bias.reshape(shape)
        return y


class BatchNorm1d(_BatchNorm):
    def _check(self, x: torch.Tensor) -> None:
        if x.dim() not in (2, 3):
            raise ValueError(f"BatchNorm1d expects (N, C) or (N, C, L), got shape {tuple(x.shape)}")


class BatchNorm2d(_BatchNorm):
    def _check(self, x: torch.Tensor) -> None:
        if x.dim() != 4:
            raise ValueError(f"BatchNorm2d expects (N, C, H, W), got shape {tuple(x.shape)}")


class LayerNorm(nn.Module):
    def __init__(self, num_features: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return layer_norm(x, self.weight, self.bias, self.eps)


class RMSNorm(nn.Module):
    def __init__(self, num_features: int, eps: float | None = None):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rms_norm(x, self.weight, self.eps)


# --- hand-written forward/backward pairs (no autograd) ---------------------------------------------------------------

LNCache = tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def layernorm_forward(
    x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, eps: float = 1e-5
) -> tuple[torch.Tensor, LNCache]:
    """x (..., C) -> out (..., C); cache = (normalized x, w, rstd)."""
    mean = x.mean(-1, keepdim=True)  # (..., 1)
    rstd = ((x - mean) ** 2).mean(-1, keepdim=True).add(eps).rsqrt()  # (..., 1)
    norm = (x - mean) * rstd  # (..., C)
    return norm * w + b, (norm, w, rstd)


def layernorm_backward(dout: torch.Tensor, cache: LNCache) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Returns dx (..., C), dw (C,), db (C,)."""
    norm, w, rstd = cache
    flat = tuple(range(dout.dim() - 1))
    db = dout.sum(flat)  # (C,)
    dw = (dout * norm).sum(flat)  # (C,)
    dnorm = dout * w  # (..., C)
    dx = dnorm - dnorm.mean(-1, keepdim=True) - norm * (dnorm * norm).mean(-1, keepdim=True)
    return dx * rstd, dw, db


def batchnorm_forward(
    x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float = 1e-5
) -> tuple[torch.Tensor, LNCache]:
    """Training-mode BatchNorm of x (N, C) or (N, C, *) with batch statistics over every dim but C;
    cache = (normalized x, gamma, rstd)."""
    dims = [0, *range(2, x.dim())]
    shape = (1, -1) + (1,) * (x.dim() - 2)
    mean = x.mean(dims, keepdim=True)  # (1, C, 1, ...)
    rstd = ((x - mean) ** 2).mean(dims, keepdim=True).add(eps).rsqrt()  # (1, C, 1, ...)
    xhat = (x - mean) * rstd  # (N, C, *)
    return xhat * gamma.reshape(shape) + beta.reshape(shape), (xhat, gamma, rstd)


def batchnorm_backward(dout: torch.Tensor, cache: LNCache) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Returns dx, dgamma (C,), dbeta (C,). The batch mean and variance depend on every x, hence the
    two correction terms (dropping them is the classic bug: it is the eval-mode gradient)."""
    xhat, gamma, rstd = cache
    dims = [0, *range(2, dout.dim())]
    dbeta = dout.sum(dims)
    dgamma = (dout * xhat).sum(dims)
    dxhat = dout * gamma.reshape((1, -1) + (1,) * (dout.dim() - 2))  # (N, C, *)
    dx = dxhat - dxhat.mean(dims, keepdim=True) - xhat * (dxhat * xhat).mean(dims, keepdim=True)
    return dx * rstd, dgamma, dbeta


def sync_batch_stats(shards: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """What SyncBatchNorm all-reduces: per-shard count, sum and sum of squares per channel, combined into the global
    batch mean and biased variance. Plain BN under DDP uses each GPU's own shard statistics instead.
    Shards are (N_i, C) or (N_i, C, *); returns (mean (C,), var (C,))."""
    c = shards[0].shape[1]
    count = 0
    total = torch.zeros(c, dtype=shards[0].dtype)
    total_sq = torch.zeros(c, dtype=shards[0].dtype)
    for x in shards:
        dims = [0, *range(2, x.dim())]
        count += x.numel() // x.shape[1]
        total = total + x.sum(dims)  # (C,)
        total_sq = total_sq + (x * x).sum(dims)  # (C,)
    mean = total / count
    return mean, total_sq / count - mean * mean  # E[x^2] - E[x]^2: fine in float64; use Welford for fp16
