"""A GPT-2 language model in one file, with GPT-2 parameter names, weight tying and an optional KV cache.

    x = wte[idx] + wpe[pos];  for each block: x = x + attn(ln_1(x)); x = x + mlp(ln_2(x));  logits = lm_head(ln_f(x))

Radford et al., 2019 ("Language Models are Unsupervised Multitask Learners"): pre-LayerNorm blocks (a final ln_f
before the head), learned absolute positions, GELU (tanh form, HF's "gelu_new") MLP of width 4 * n_embd, the LM head
tied to the token embedding (counted once), N(0, 0.02) init with the residual projections (`c_proj`) scaled by
1/sqrt(2 * n_layer) because each block adds two residual branches.

Two attention paths that give the same numbers: `attn_impl="readable"` spells out softmax(q k^T / sqrt(hs) + mask) v
through `ref.attention.sdpa_torch`; `attn_impl="sdpa"` calls torch's fused kernel. Logits are computed at every
position (nanoGPT computes only the last one at inference) so the KV-cache path can be compared step by step.

Difference from HF `GPT2LMHeadModel`: HF stores c_attn / c_fc / c_proj as `Conv1D` with (in, out) weights, here they
are `nn.Linear` with (out, in) weights, so `from_hf_state_dict` transposes those four. Float32 logits agree within 1e-5
(tests/ref/test_gpt.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from mldrill.ref.attention import causal_mask, sdpa_torch
from mldrill.ref.kv_cache import KVCache


@dataclass
class GPTConfig:
    block_size: int = 1024
    vocab_size: int = 50304  # GPT-2's 50257 padded up to a multiple of 64
    n_layer: int = 12
    n_head: int = 12
    n_embd: int = 768
    dropout: float = 0.0
    bias: bool = True  # GPT-2 has biases in every Linear and LayerNorm
    tie_weights: bool = True
    attn_impl: Literal["readable", "sdpa"] = "sdpa"
    layer_norm_epsilon: float = 1e-5  # torch's and HF GPT-2's default


def gpt_param_count(
    vocab_size: int, block_size: int, n_layer: int, n_head: int, n_embd: int, *, bias: bool = True, tied: bool = True
) -> int:
    """Parameters of `GPT(GPTConfig(...))` without building it: what `GPT.num_params()` returns.

    Per block: ln_1 and ln_2 (weight, plus bias when `bias`), c_attn (d x 3d) and c_proj (d x d), c_fc (d x 4d) and
    c_proj (4d x d), each Linear with a bias when `bias`: 12 d^2 + 13 d with biases. n_head splits the same
    matrices into heads and does not change the count. The head has no bias and, tied, is wte itself.
    """
    d, b = n_embd, int(bias)
    ln = d + b * d  # weight (+ bias)
    attn = (d * 3 * d + b * 3 * d) + (d * d + b * d)  # c_attn, c_proj
    mlp = (d * 4 * d + b * 4 * d) + (4 * d * d + b * d)  # c_fc, c_proj
    embeddings = vocab_size * d + block_size * d  # wte, wpe
    head = 0 if tied else vocab_size * d
    return embeddings + n_layer * (2 * ln + attn + mlp) + ln + head


class CausalSelfAttention(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)  # q, k, v for all heads at once
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head, self.n_embd, self.dropout = config.n_head, config.n_embd, config.dropout
        self.attn_impl = config.attn_impl

    def forward(self, x: torch.Tensor, kv_cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)  # 3 x (B, T, C)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        if kv_cache is not None:
            k, v = kv_cache.update(layer, k, v)  # (B, nh, S, hs), S = cached + T
        S = k.size(2)
        drop = self.dropout if self.training else 0.0
        if self.attn_impl == "readable":
            y = sdpa_torch(q, k, v, causal_mask(T, S).to(x.device), dropout_p=drop)  # (B, nh, T, hs)
        elif S == T:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=drop, is_causal=True)  # (B, nh, T, hs)
        else:  # queries are the last T of S positions; torch's bool mask means "attend"
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=~causal_mask(T, S).to(x.device), dropout_p=drop)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C): re-assemble the heads side by side
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)  # (B, T, 4C)
        self.gelu = nn.GELU(approximate="tanh")  # GPT-2's "gelu_new"
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)  # (B, T, C)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor, kv_cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x), kv_cache, layer)
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    """The body: what nanoGPT keeps in an nn.ModuleDict, as a typed module with the same state-dict keys."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.h = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon, bias=config.bias)


class GPT(nn.Module):
    def __init__(self, config: GPTConfig, *, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.config = config
        self.transformer = Transformer(config)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        if config.tie_weights:
            self.transformer.wte.weight = self.lm_head.weight  # one tensor, counted once
        self.init_weights(generator=generator)

    @torch.no_grad()
    def init_weights(self, *, generator: torch.Generator | None = None) -> None:
        """GPT-2 init: N(0, 0.02) weights, zero biases, residual projections N(0, 0.02 / sqrt(2 n_layer))."""
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                p.zero_()
            elif p.dim() == 1:  # LayerNorm gains
                p.fill_(1.0)
            elif name.endswith("c_proj.weight"):
                p.normal_(0.0, 0.02 / math.sqrt(2 * self.config.n_layer), generator=generator)
            else:
                p.normal_(0.0, 0.02, generator=generator)

    def num_params(self, non_embedding: bool = False) -> int:
        """Parameters, a tied matrix counted once; `non_embedding` drops the position table, like nanoGPT."""
        n = sum(p.numel() for p in self.parameters())  # .parameters() already yields a shared tensor once
        return n - self.transformer.wpe.weight.numel() if non_embedding else n

    def make_cache(self, batch_size: int, max_len: int | None = None) -> KVCache:
        c = self.config
        w = self.lm_head.weight
        return KVCache(
            n_layer=c.n_layer,
            batch_size=batch_size,
            n_kv_head=c.n_head,
            head_dim=c.n_embd // c.n_head,
            max_len=max_len or c.block_size,
            dtype=w.dtype,
            device=w.device,
        )

    def forward(
        self, idx: torch.Tensor, targets: torch.Tensor | None = None, kv_cache: KVCache | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        T = idx.size(1)
        start = kv_cache.length if kv_cache is not None else 0
        if start + T > self.config.block_size:
            raise ValueError(f"sequence of length {start + T} exceeds block_size={self.config.block_size}")
        pos = torch.arange(start, start + T, dtype=torch.long, device=idx.device)  # (T,)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))  # (B, T, C)
        for i, block in enumerate(self.transformer.h):
            x = block(x, kv_cache, i)  # (B, T, C)
        if kv_cache is not None:
            kv_cache.advance(T)
        logits = self.lm_head(self.transformer.ln_f(x))  # (B, T, V)
        loss = None
        if targets is not None:  # targets are the inputs shifted left by one; -100 marks ignored positions
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100)
        return logits, loss

    def configure_optimizer(
        self,
        *,
        weight_decay: float,
        learning_rate: float,
        betas: tuple[float, float] = (0.9, 0.95),
        fused: bool | None = None,
    ) -> torch.optim.AdamW:
        """AdamW; decay matrices and embeddings (dim >= 2), not biases or LayerNorm gains.

        fused=None picks torch's fused kernel when the parameters live on CUDA (one launch for every tensor instead
        of several per tensor; the same numbers up to rounding) and the default foreach path elsewhere.
        """
        params = [p for p in self.parameters() if p.requires_grad]
        groups = [
            {"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
            {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
        ]
        if fused is None:
            fused = bool(params) and params[0].is_cuda
        return torch.optim.AdamW(groups, lr=learning_rate, betas=betas, eps=1e-8, fused=fused or None)

    @torch.no_grad()
    def generate(
        self,
        idx: torch.Tensor,
        max_new_tokens: int,
        *,
        temperature: float = 1.0,
        top_k: int | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """nanoGPT's generate(): sample max_new_tokens after idx (B, T); the KV cache is used when it fits."""
        from mldrill.ref.generate import generate

        fits = idx.size(1) + max_new_tokens <= self.config.block_size
        return generate(
            self, idx, max_new_tokens, temperature=temperature, top_k=top_k, generator=generator, use_cache=fits
        )

    # HF GPT-2 keeps these four as Conv1D, i.e. (in, out): transpose them on the way in
    _CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")

    @torch.no_grad()
    def load_hf_state_dict(self, sd_hf: Mapping[str, torch.Tensor]) -> None:
        """Copy a `transformers` GPT2LMHeadModel state dict key by key (no download: pass the dict)."""
        sd = self.state_dict()
        keys_hf = [k for k in sd_hf if not k.endswith((".attn.bias", ".attn.masked_bias"))]
        if set(keys_hf) != set(sd):
            raise KeyError(f"key mismatch: only ours {set(sd) - set(keys_hf)}, only theirs {set(keys_hf) - set(sd)}")
        for k in keys_hf:
            w = sd_hf[k].t() if k.endswith(self._CONV1D) else sd_hf[k]
            if w.shape != sd[k].shape:
                raise ValueError(f"{k}: shape {tuple(w.shape)} != ours {tuple(sd[k].shape)}")
            sd[k].copy_(w)
