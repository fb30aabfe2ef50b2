"""A Llama-style decoder: RMSNorm, RoPE, SwiGLU and grouped-query attention, with HF Llama parameter names.

Differences from GPT-2 (ref.gpt), each one a modern default (Touvron et al., 2023):
- RMSNorm (no mean subtraction, no bias, eps 1e-6) instead of LayerNorm, still pre-norm with a final norm;
- no position table: RoPE (half-split pairing, `rotate_half` style) rotates q and k inside every attention layer;
- SwiGLU MLP with hidden width ~8d/3 (ref.transformer.SwiGLU);
- grouped-query attention: n_kv_head K/V heads shared by n_head query heads, so the KV cache shrinks by nh/nkv;
- no biases, untied LM head by default.

State-dict keys equal `transformers`' `LlamaForCausalLM` (model.embed_tokens, model.layers.i.self_attn.q_proj, ...,
model.norm, lm_head), so its weights load with `load_state_dict` directly; float32 logits agree within 1e-5
(tests/ref/test_llama.py). The KV cache stores keys after RoPE, at their absolute positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from mldrill.ref.attention import causal_mask, gqa_attention
from mldrill.ref.kv_cache import KVCache
from mldrill.ref.positions import apply_rope
from mldrill.ref.transformer import SwiGLU, swiglu_hidden


@dataclass
class LlamaConfig:
    block_size: int = 2048  # HF: max_position_embeddings
    vocab_size: int = 32000
    n_layer: int = 32
    n_head: int = 32
    n_kv_head: int = 8
    n_embd: int = 4096
    intermediate_size: int | None = None  # None: swiglu_hidden(n_embd)
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-6
    tie_weights: bool = False
    attn_impl: Literal["readable", "sdpa"] = "sdpa"


class LlamaAttention(nn.Module):
    def __init__(self, config: LlamaConfig) -> None:
        super().__init__()
        self.n_head, self.n_kv_head = config.n_head, config.n_kv_head
        self.hs = config.n_embd // config.n_head
        self.q_proj = nn.Linear(config.n_embd, self.n_head * self.hs, bias=False)
        self.k_proj = nn.Linear(config.n_embd, self.n_kv_head * self.hs, bias=False)
        self.v_proj = nn.Linear(config.n_embd, self.n_kv_head * self.hs, bias=False)
        self.o_proj = nn.Linear(self.n_head * self.hs, config.n_embd, bias=False)
        self.rope_theta, self.attn_impl = config.rope_theta, config.attn_impl

    def forward(self, x: torch.Tensor, pos: torch.Tensor, kv_cache: KVCache | None, layer: int) -> torch.Tensor:
        B, T, C = x.size()
        q = self.q_proj(x).view(B, T, self.n_head, self.hs).transpose(1, 2)  # (B, nh, T, hs)
        k = self.k_proj(x).view(B, T, self.n_kv_head, self.hs).transpose(1, 2)  # (B, nkv, T, hs)
        v = self.v_proj(x).view(B, T, self.n_kv_head, self.hs).transpose(1, 2)  # (B, nkv, T, hs)
        q = apply_rope(q, pos, base=self.rope_theta, style="half")  # rotate q and k, never v
        k = apply_rope(k, pos, base=self.rope_theta, style="half")
        if kv_cache is not None:
            k, v = kv_cache.update(layer, k, v)  # (B, nkv, S, hs)
        S = k.size(2)
        if self.attn_impl == "readable":
            y = gqa_attention(q, k, v, causal_mask(T, S).to(x.device))  # (B, nh, T, hs)
        else:
            mask = None if S == T else ~causal_mask(T, S).to(x.device)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=S == T, enable_gqa=True)
        return self.o_proj(y.transpose(1, 2).reshape(B, T, C))  # (B, T, C)


class LlamaDecoderLayer(nn.Module):
    def __init__(self, config: LlamaConfig) -> None:
        super().__init__()
        hidden = config.intermediate_size or swiglu_hidden(config.n_embd)
        self.input_layernorm = nn.RMSNorm(config.n_embd, eps=config.rms_norm_eps)
        self.self_attn = LlamaAttention(config)
        self.post_attention_layernorm = nn.RMSNorm(config.n_embd, eps=config.rms_norm_eps)
        self.mlp = SwiGLU(config.n_embd, hidden)

    def forward(self, x: torch.Tensor, pos: torch.Tensor, kv_cache: KVCache | None, layer: int) -> torch.Tensor:
        x = x + self.self_attn(self.input_layernorm(x), pos, kv_cache, layer)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, config: LlamaConfig) -> None:
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.n_embd)
        self.layers = nn.ModuleList([LlamaDecoderLayer(config) for _ in range(config.n_layer)])
        self.norm = nn.RMSNorm(config.n_embd, eps=config.rms_norm_eps)


class Llama(nn.Module):
    def __init__(self, config: LlamaConfig, *, generator: torch.Generator | None = None) -> None:
        super().__init__()
        if config.n_embd % config.n_head or config.n_head % config.n_kv_head:
            raise ValueError(f"need n_embd % n_head == 0 and n_head % n_kv_head == 0, got {config}")
        self.config = config
        self.model = LlamaModel(config)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        if config.tie_weights:
            self.model.embed_tokens.weight = self.lm_head.weight
        with torch.no_grad():  # HF's initializer_range 0.02; norms start at 1
            for p in self.parameters():
                if p.dim() == 2:
                    p.normal_(0.0, 0.02, generator=generator)

    def make_cache(self, batch_size: int, max_len: int | None = None) -> KVCache:
        c, w = self.config, self.lm_head.weight
        return KVCache(
            n_layer=c.n_layer,
            batch_size=batch_size,
            n_kv_head=c.n_kv_head,  # the KV cache holds KV heads only (M30)
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
        pos = torch.arange(start, start + T, device=idx.device)  # (T,)
        x = self.model.embed_tokens(idx)  # (B, T, C)
        for i, layer in enumerate(self.model.layers):
            x = layer(x, pos, kv_cache, i)
        if kv_cache is not None:
            kv_cache.advance(T)
        logits = self.lm_head(self.model.norm(x))  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100)
        return logits, loss
