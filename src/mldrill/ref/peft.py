"""Parameter-efficient fine-tuning beside LoRA (ref.lora): adapters, (IA)^3, prompt and prefix tuning, EWC.

- Bottleneck adapter (Houlsby et al., 2019): x + up(act(down(x))), d -> r -> d, `up` zero-initialised so the block is
  the identity at init. The nonlinearity means it cannot be merged into the base weights (extra latency).
- (IA)^3 (Liu et al., 2022): learned vectors that rescale keys, values and FFN activations elementwise, initialised
  to ones (identity); d parameters per rescaled activation.
- Prompt tuning (Lester et al., 2021): p trainable "virtual token" embeddings prepended to the input; p * d params.
  The attention mask and the labels (-100) must be extended over the prompt; the output has p + L positions.
- Prefix tuning (Li & Liang, 2021): trainable key/value prefixes in every layer, L * p * 2 * d params
  (ref.lora.prefix_params); attention then runs over [prefix; K] and [prefix; V], every query sees the whole prefix.
- Freezing: `freeze(model, upto)` stops gradients for the first blocks (embeddings included); a new head starts
  with small weights (`init_head`) so its first outputs are near-uniform and do not wreck the backbone's features.
- EWC (Kirkpatrick et al., 2017): (lambda / 2) sum_i F_i (theta_i - theta*_i)^2 keeps weights important to an old
  task (Fisher diagonal F) near their old values.

Tested with closed forms and equalities in tests/ref/test_peft.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mldrill.ref.attention import causal_mask, sdpa_torch


class Adapter(nn.Module):
    def __init__(self, d: int, r: int) -> None:
        super().__init__()
        self.down = nn.Linear(d, r)
        self.up = nn.Linear(r, d)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.up(torch.relu(self.down(x)))  # (B, T, d) -> (B, T, r) -> (B, T, d)


class IA3(nn.Module):
    """Elementwise learned rescaling of an activation, ones at init."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale


class PromptTuning(nn.Module):
    """p trainable virtual-token embeddings prepended to a frozen embedding's output."""

    def __init__(
        self,
        wte: nn.Embedding,
        n_virtual: int,
        *,
        init_ids: Sequence[int] | None = None,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        self.wte = wte
        for p in wte.parameters():
            p.requires_grad_(False)
        if init_ids is not None:  # start from real token embeddings (better than random for short prompts)
            if len(init_ids) != n_virtual:
                raise ValueError(f"need {n_virtual} init ids, got {len(init_ids)}")
            init = wte.weight[torch.tensor(list(init_ids))].detach().clone()
        else:
            init = torch.randn(n_virtual, wte.embedding_dim, generator=generator, dtype=wte.weight.dtype) * 0.02
        self.prompt = nn.Parameter(init)  # (p, C)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        B = idx.size(0)
        return torch.cat([self.prompt.expand(B, -1, -1), self.wte(idx)], dim=1)  # (B, p + T, C)

    def extend_labels(self, targets: torch.Tensor) -> torch.Tensor:
        pad = torch.full((targets.size(0), self.prompt.size(0)), -100, dtype=targets.dtype, device=targets.device)
        return torch.cat([pad, targets], dim=1)  # (B, p + T): no loss on the virtual tokens


def prefix_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, pk: torch.Tensor, pv: torch.Tensor, *, causal: bool = True
) -> torch.Tensor:
    """q, k, v (B, nh, T, hs); prefixes pk, pv (nh, p, hs) shared over the batch. Every query sees the whole prefix."""
    B, p, T = q.size(0), pk.size(1), q.size(2)
    K = torch.cat([pk.expand(B, -1, -1, -1), k], dim=2)  # (B, nh, p + T, hs)
    V = torch.cat([pv.expand(B, -1, -1, -1), v], dim=2)  # (B, nh, p + T, hs)
    mask = None
    if causal:
        mask = torch.cat([torch.zeros(T, p, dtype=torch.bool), causal_mask(T)], dim=1)  # (T, p + T)
    return sdpa_torch(q, K, V, mask)


def ewc_penalty(
    params: Sequence[torch.Tensor], anchor: Sequence[torch.Tensor], fisher: Sequence[torch.Tensor], *, lam: float
) -> torch.Tensor:
    return (
        0.5
        * lam
        * sum(((f * (p - a) ** 2).sum() for p, a, f in zip(params, anchor, fisher, strict=True)), torch.tensor(0.0))
    )


def freeze(
    model: nn.Module,
    *,
    upto: int,
    blocks_attr: str = "transformer.h",
    embeddings: Sequence[str] = ("transformer.wte", "transformer.wpe"),
) -> None:
    """Freeze the embeddings and blocks [0, upto); later blocks and the head stay trainable."""
    for name in embeddings:
        for p in model.get_submodule(name).parameters():
            p.requires_grad_(False)
    blocks = model.get_submodule(blocks_attr)
    for i, block in enumerate(blocks.children()):
        for p in block.parameters():
            p.requires_grad_(i >= upto)


def init_head(linear: nn.Linear, *, std: float = 0.02, generator: torch.Generator | None = None) -> None:
    with torch.no_grad():
        linear.weight.normal_(0.0, std, generator=generator)
        if linear.bias is not None:
            linear.bias.zero_()
