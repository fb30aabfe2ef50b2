"""LoRA: low-rank adaptation of frozen linear layers (Hu et al., 2021).

    h = W x + (alpha / r) * B A x,   A: (r, d_in) random,  B: (d_out, r) zeros,  W frozen

- At init B = 0, so the adapted layer equals the base layer exactly. A is random: if both were 0, every gradient of A
  and B would be 0 forever. With B = 0, dL/dA = 0 at step 0 (it is B^T times something), so only B moves first (M36).
- alpha / r is a scale (it acts like a learning-rate multiplier); changing r without alpha changes the update's size.
- Trainable parameters per adapted matrix: r (d_in + d_out), e.g. 4096 x 4096 at r = 16: 131,072 instead of 16.8M.
- merge: W <- W + (alpha / r) B A gives the same outputs with no extra latency; unmerge subtracts it back (exactly
  equal only up to float rounding). Don't merge adapters you need to swap per request.

A is initialised like `peft` (Kaiming-uniform with a = sqrt(5), i.e. U(-1/sqrt(d_in), 1/sqrt(d_in))); peft is not
installed here, so the tests check the closed forms and the merge equivalence instead (tests/ref/test_lora.py).
"""

from __future__ import annotations

import math
import re

import torch
import torch.nn.functional as F
from torch import nn


def best_rank_r_error(delta: torch.Tensor, r: int) -> float:
    """min over rank-r M of ||delta - M||_F = sqrt(sum_{i > r} sigma_i^2) (Eckart-Young): LoRA's floor at rank r."""
    s = torch.linalg.svdvals(delta.double())  # (min(d_out, d_in),) descending
    return float(s[r:].pow(2).sum().sqrt())


def fit_lora(
    target: torch.Tensor, r: int, *, steps: int = 800, lr: float = 2e-2, seed: int = 0
) -> tuple[LoRALinear, list[float]]:
    """Fit a rank-r LoRA update B A (alpha = r, so scale 1) to a (d_out, d_in) target by Adam on ||B A - target||_F^2.

    The base weight is zero, so the adapter alone must produce the target; returns the adapter and ||B A - target||_F
    per step. The default lr suits a target with ||target||_F around 1. Low-rank factorisation has no spurious
    local minima (Baldi & Hornik 1989), so the fit approaches the Eckart-Young floor `best_rank_r_error`.
    """
    d_out, d_in = target.shape
    base = nn.Linear(d_in, d_out, bias=False, dtype=target.dtype)
    nn.init.zeros_(base.weight)
    g = torch.Generator().manual_seed(seed)
    lora = LoRALinear(base, r=r, alpha=r, generator=g)
    with torch.no_grad():  # small random B as well: at B = 0 only B moves on step one, which merely slows the start
        lora.lora_B.copy_(torch.randn(d_out, r, generator=g, dtype=target.dtype) * 0.01)
    opt = torch.optim.Adam([lora.lora_A, lora.lora_B], lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    errs = []
    for _ in range(steps):
        loss = (lora.delta_weight() - target).pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        errs.append(float(loss.detach().sqrt()))
    return lora, errs


def lora_params(d_in: int, d_out: int, r: int) -> int:
    """Trainable parameters of one LoRA-adapted (d_out, d_in) matrix: r (d_in + d_out)."""
    return r * (d_in + d_out)


class LoRALinear(nn.Module):
    """Wrap a frozen nn.Linear with a trainable low-rank update."""

    def __init__(
        self,
        base: nn.Linear,
        *,
        r: int,
        alpha: float,
        dropout: float = 0.0,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        if r <= 0:
            raise ValueError(f"rank r must be >= 1, got {r}")
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        d_out, d_in = base.weight.shape
        w = base.weight
        bound = 1.0 / math.sqrt(d_in)  # kaiming_uniform_(a=sqrt(5)) bound, as peft and nn.Linear
        self.lora_A = nn.Parameter(
            torch.empty(r, d_in, dtype=w.dtype, device=w.device).uniform_(-bound, bound, generator=generator)
        )
        self.lora_B = nn.Parameter(torch.zeros(d_out, r, dtype=w.dtype, device=w.device))
        self.scaling = alpha / r
        self.dropout = nn.Dropout(dropout)
        self.merged = False

    @classmethod
    def from_weights(
        cls,
        weight: torch.Tensor,
        bias: torch.Tensor,
        *,
        r: int,
        alpha: float,
        generator: torch.Generator | None = None,
    ) -> LoRALinear:
        """Wrap a pretrained (d_out, d_in) weight and (d_out,) bias (the lora-module kata's constructor)."""
        d_out, d_in = weight.shape
        base = nn.Linear(d_in, d_out, dtype=weight.dtype, device=weight.device)
        with torch.no_grad():
            base.weight.copy_(weight)
            base.bias.copy_(bias)
        return cls(base, r=r, alpha=alpha, generator=generator)

    @property
    def weight(self) -> torch.Tensor:
        return self.base.weight

    @property
    def bias(self) -> torch.Tensor | None:
        return self.base.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.base(x)  # (..., d_out)
        if self.merged:
            return y
        return y + F.linear(F.linear(self.dropout(x), self.lora_A), self.lora_B) * self.scaling  # (..., r) -> d_out

    def delta_weight(self) -> torch.Tensor:
        return (self.lora_B @ self.lora_A) * self.scaling  # (d_out, d_in)

    @torch.no_grad()
    def merge(self) -> None:
        if not self.merged:
            self.base.weight += self.delta_weight()
            self.merged = True

    @torch.no_grad()
    def unmerge(self) -> None:
        if self.merged:
            self.base.weight -= self.delta_weight()
            self.merged = False


def inject_lora(
    model: nn.Module,
    *,
    target: str,
    r: int,
    alpha: float,
    dropout: float = 0.0,
    generator: torch.Generator | None = None,
) -> list[str]:
    """Replace every nn.Linear whose qualified name matches the regex `target` (re.search) by a LoRALinear, freeze
    everything else, and return the replaced names. E.g. target=r"attn\\.c_attn$" or r"(q_proj|v_proj)$"."""
    names = [n for n, m in model.named_modules() if isinstance(m, nn.Linear) and re.search(target, n)]
    if not names:
        raise ValueError(f"no nn.Linear module name matches {target!r}")
    for p in model.parameters():
        p.requires_grad_(False)
    for name in names:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(
            parent, child, LoRALinear(getattr(parent, child), r=r, alpha=alpha, dropout=dropout, generator=generator)
        )
    return names


def merge_lora(model: nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, LoRALinear):
            m.merge()


def unmerge_lora(model: nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, LoRALinear):
            m.unmerge()


def trainable_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ---- serving many adapters, federated averaging, prefix tuning


def batched_lora(
    x: torch.Tensor,
    weight: torch.Tensor,
    A: torch.Tensor,
    B: torch.Tensor,
    adapter_idx: torch.Tensor,
    *,
    scaling: float,
) -> torch.Tensor:
    """One frozen base W shared by a batch whose rows use different adapters (S-LoRA / Punica style).

    x (N, d_in), weight (d_out, d_in), A (n_adapters, r, d_in), B (n_adapters, d_out, r), adapter_idx (N,).
    The adapters stay unmerged so they can change per request.
    """
    a = A[adapter_idx]  # (N, r, d_in) gathered per row
    b = B[adapter_idx]  # (N, d_out, r)
    low = (a @ x.unsqueeze(-1)).squeeze(-1)  # (N, r)
    return x @ weight.T + scaling * (b @ low.unsqueeze(-1)).squeeze(-1)  # (N, d_out)


def fedavg_lora(As: list[torch.Tensor], Bs: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Average clients' factors separately: returns (mean A, mean B). Inexact: mean(B) mean(A) != mean(B A)."""
    return torch.stack(As).mean(0), torch.stack(Bs).mean(0)


def prefix_params(n_layer: int, prefix_len: int, d: int) -> int:
    """Prefix tuning trains a key and a value prefix per layer: L * p * 2 * d (12 * 20 * 2 * 768 = 368,640)."""
    return n_layer * prefix_len * 2 * d
