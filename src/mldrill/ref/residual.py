"""Residual, highway, ReZero, pre-/post-norm and dense blocks.

residual   y = x + F(x);  dy/dx = I + dF/dx: the identity term carries gradient through any depth  (He et al., 2016)
highway    y = T(x) * H(x) + (1 - T(x)) * x, T = sigmoid(W_T x + b_T), b_T < 0 at init (carry) (Srivastava et al., 2015)
ReZero     y = x + alpha * F(x), alpha = 0 at init: every block is exactly the identity      (Bachlechner et al., 2020)
pre-norm   y = x + F(LN(x))      (GPT-2 onwards: a clean identity path, trains without warmup tricks)
post-norm  y = LN(x + F(x))      (original Transformer: the LN sits on the path, deep stacks need warmup)
dense      x_l = concat(x_0, H(x_0), ..., H(x_{l-1})): channels c_0 + l * growth                   (Huang et al., 2017)

Why residuals (M58): He et al. introduced them for the *degradation* problem (deeper plain nets had higher training
error), not for overfitting. Variance of the residual stream grows linearly with depth when each branch adds unit
variance, hence 1/sqrt(2 n_layer) scaling or zero-init of each branch's last layer (see init.py).
Tested in tests/ref/test_residual.py.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, f: nn.Module):
        super().__init__()
        self.f = f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.f(x)


class ReZero(nn.Module):
    def __init__(self, f: nn.Module):
        super().__init__()
        self.f = f
        self.alpha = nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.alpha * self.f(x)


def highway(x: torch.Tensor, h: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Combine a transform h and a gate t in (0, 1): t h + (1 - t) x. A closed gate (t -> 0) copies x."""
    return t * h + (1 - t) * x


class Highway(nn.Module):
    def __init__(self, d: int, gate_bias: float = -2.0):
        super().__init__()
        self.h = nn.Linear(d, d)
        self.t = nn.Linear(d, d)
        nn.init.constant_(self.t.bias, gate_bias)  # start mostly carrying the input

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return highway(x, torch.relu(self.h(x)), torch.sigmoid(self.t(x)))


class MLP(nn.Module):
    """Transformer-style feed-forward branch; `c_proj` is the residual projection (GPT-2 name)."""

    def __init__(self, d: int, hidden: int | None = None):
        super().__init__()
        self.c_fc = nn.Linear(d, hidden or 4 * d)
        self.c_proj = nn.Linear(hidden or 4 * d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(nn.functional.gelu(self.c_fc(x)))


class PreLNBlock(nn.Module):
    def __init__(self, d: int):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.mlp = MLP(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.mlp(self.ln(x))


class PostLNBlock(nn.Module):
    def __init__(self, d: int):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.mlp = MLP(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.ln(x + self.mlp(x))


class PreActBlock(nn.Module):
    """Pre-activation ResNet block (He et al., 2016b): BN -> ReLU -> conv, twice, on the branch; nothing on the skip."""

    def __init__(self, c: int):
        super().__init__()
        self.bn1, self.conv1 = nn.BatchNorm2d(c), nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2, self.conv2 = nn.BatchNorm2d(c), nn.Conv2d(c, c, 3, padding=1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(torch.relu(self.bn1(x)))
        out = self.conv2(torch.relu(self.bn2(out)))
        return x + out


class DenseBlock(nn.Module):
    """Each layer sees the concatenation of all previous feature maps and adds `growth` channels."""

    def __init__(self, c0: int, growth: int, n_layers: int):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(c0 + i * growth), nn.ReLU(), nn.Conv2d(c0 + i * growth, growth, 3, padding=1))
            for i in range(n_layers)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = torch.cat([x, layer(x)], dim=1)  # (N, C + growth, H, W)
        return x


def residual_var_vs_depth(
    n_layer: int, *, d: int = 256, n: int = 512, branch_scale: float = 1.0, generator: torch.Generator | None = None
) -> list[float]:
    """Variance of the residual stream x_l = x_{l-1} + branch_scale * W_l x_{l-1}/||.|| style random branches that
    each add (branch_scale^2) unit variance: Var(x_l) ~ 1 + l * branch_scale^2."""
    x = torch.randn(n, d, dtype=torch.float64, generator=generator)
    out = [float(x.var())]
    for _ in range(n_layer):
        branch = torch.randn(n, d, dtype=torch.float64, generator=generator)  # an independent unit-variance update
        x = x + branch_scale * branch
        out.append(float(x.var()))
    return out


def grad_norm_first_layer(
    blocks: list[nn.Module], x: torch.Tensor, head: Callable[[torch.Tensor], torch.Tensor]
) -> float:
    """Gradient norm of the first block's parameters for loss = head(blocks(x)): a probe for trainability."""
    h = x
    for b in blocks:
        h = b(h)
    loss = head(h)
    params = [p for p in blocks[0].parameters() if p.requires_grad]
    grads = torch.autograd.grad(loss, params)
    return float(torch.sqrt(sum((g**2).sum() for g in grads)))  # type: ignore[arg-type]
