"""Transformer building blocks: position-wise FFN, SwiGLU, pre-/post-norm blocks, toy encoder / decoder / seq2seq.

FFN(x) = W2 act(W1 x + b1) + b2 with hidden width 4d (Vaswani et al., 2017). It acts on each token separately:
tokens mix only in attention.

SwiGLU (Shazeer, 2020): FFN(x) = W_down (silu(W_gate x) * W_up x). Three matrices instead of two, so for parameter
parity with a 4d FFN the hidden width is 2/3 * 4d = 8d/3, rounded up to a multiple of 256 in Llama-1/2:
d = 4096 gives 11008, not 16384 (M25). Comparing against a 4d-wide SwiGLU is an unfair comparison.

Blocks:
  pre-norm  (GPT-2, Llama):   x = x + attn(ln_1(x));  x = x + mlp(ln_2(x))     (needs a final norm before the head)
  post-norm (original 2017):  x = ln_1(x + attn(x));  x = ln_2(x + mlp(x))     (harder to train deep without warmup)

Tested against `nn.TransformerEncoderLayer` / `nn.TransformerDecoderLayer` (norm_first True and False) and HF
`LlamaMLP`, all with copied weights (tests/ref/test_transformer.py).
"""

from __future__ import annotations

import math
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from mldrill.ref.attention import MultiHeadAttention, causal_mask
from mldrill.ref.positions import sinusoidal_pe


def swiglu_hidden(d: int, *, multiple_of: int = 256, ffn_dim_multiplier: float | None = None) -> int:
    """Llama's SwiGLU width: int(2 * 4d / 3), optionally scaled, rounded up to a multiple of `multiple_of`."""
    hidden = int(2 * 4 * d / 3)
    if ffn_dim_multiplier is not None:
        hidden = int(ffn_dim_multiplier * hidden)
    return multiple_of * math.ceil(hidden / multiple_of)


class FFN(nn.Module):
    def __init__(
        self, n_embd: int, hidden: int, *, act: Literal["gelu", "gelu_tanh", "relu"] = "gelu", bias: bool = True
    ):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, hidden, bias=bias)
        self.c_proj = nn.Linear(hidden, n_embd, bias=bias)
        self.act = {"gelu": nn.GELU(), "gelu_tanh": nn.GELU(approximate="tanh"), "relu": nn.ReLU()}[act]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(self.act(self.c_fc(x)))  # (B, T, C) -> (B, T, hidden) -> (B, T, C)


class SwiGLU(nn.Module):
    """HF Llama names: gate_proj, up_proj, down_proj; no biases."""

    def __init__(self, n_embd: int, hidden: int, *, bias: bool = False):
        super().__init__()
        self.gate_proj = nn.Linear(n_embd, hidden, bias=bias)
        self.up_proj = nn.Linear(n_embd, hidden, bias=bias)
        self.down_proj = nn.Linear(hidden, n_embd, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))  # (B, T, hidden) -> (B, T, C)


def _mlp(n_embd: int, hidden: int | None, ffn: str, bias: bool) -> nn.Module:
    if ffn == "swiglu":
        return SwiGLU(n_embd, hidden or swiglu_hidden(n_embd, multiple_of=8), bias=bias)
    return FFN(n_embd, hidden or 4 * n_embd, act=ffn, bias=bias)  # type: ignore[arg-type]


class Block(nn.Module):
    """Self-attention + FFN, pre-norm (`norm_first=True`) or post-norm. forward(x, mask) with mask True=blocked."""

    def __init__(
        self,
        n_embd: int,
        n_head: int,
        *,
        hidden: int | None = None,
        norm_first: bool = True,
        ffn: Literal["gelu", "gelu_tanh", "relu", "swiglu"] = "gelu",
        n_kv_head: int | None = None,
        bias: bool = True,
    ):
        super().__init__()
        self.norm_first = norm_first
        self.ln_1 = nn.LayerNorm(n_embd, bias=bias)
        self.attn = MultiHeadAttention(n_embd, n_head, n_kv_head=n_kv_head, bias=bias)
        self.ln_2 = nn.LayerNorm(n_embd, bias=bias)
        self.mlp = _mlp(n_embd, hidden, ffn, bias)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if self.norm_first:
            x = x + self.attn(self.ln_1(x), mask=mask)
            return x + self.mlp(self.ln_2(x))
        x = self.ln_1(x + self.attn(x, mask=mask))
        return self.ln_2(x + self.mlp(x))


class DecoderBlock(nn.Module):
    """Causal self-attention, cross-attention to the encoder output, FFN; three norms."""

    def __init__(
        self, n_embd: int, n_head: int, *, hidden: int | None = None, norm_first: bool = True, bias: bool = True
    ):
        super().__init__()
        self.norm_first = norm_first
        self.ln_1, self.ln_2, self.ln_3 = (nn.LayerNorm(n_embd, bias=bias) for _ in range(3))
        self.attn = MultiHeadAttention(n_embd, n_head, bias=bias)
        self.cross_attn = MultiHeadAttention(n_embd, n_head, bias=bias)
        self.mlp = FFN(n_embd, hidden or 4 * n_embd, bias=bias)

    def forward(self, y: torch.Tensor, memory: torch.Tensor, memory_mask: torch.Tensor | None = None) -> torch.Tensor:
        causal = causal_mask(y.size(1)).to(y.device)
        if self.norm_first:
            y = y + self.attn(self.ln_1(y), mask=causal)
            y = y + self.cross_attn(self.ln_2(y), context=memory, mask=memory_mask)  # Q from y, K/V from memory
            return y + self.mlp(self.ln_3(y))
        y = self.ln_1(y + self.attn(y, mask=causal))
        y = self.ln_2(y + self.cross_attn(y, context=memory, mask=memory_mask))
        return self.ln_3(y + self.mlp(y))


class Encoder(nn.Module):
    """Bidirectional stack (BERT-style body); a final LayerNorm when pre-norm."""

    def __init__(self, n_layer: int, n_embd: int, n_head: int, *, norm_first: bool = True):
        super().__init__()
        self.h = nn.ModuleList([Block(n_embd, n_head, norm_first=norm_first) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd) if norm_first else nn.Identity()

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        for block in self.h:
            x = block(x, mask)
        return self.ln_f(x)


class Decoder(nn.Module):
    """Causal stack with cross-attention to an encoder's output."""

    def __init__(self, n_layer: int, n_embd: int, n_head: int, *, norm_first: bool = True):
        super().__init__()
        self.h = nn.ModuleList([DecoderBlock(n_embd, n_head, norm_first=norm_first) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd) if norm_first else nn.Identity()

    def forward(self, y: torch.Tensor, memory: torch.Tensor, memory_mask: torch.Tensor | None = None) -> torch.Tensor:
        for block in self.h:
            y = block(y, memory, memory_mask)
        return self.ln_f(y)


class EncoderDecoder(nn.Module):
    """A toy seq2seq transformer: shared sinusoidal positions, encoder over the source, decoder over the target."""

    def __init__(
        self, src_vocab: int, tgt_vocab: int, *, n_layer: int = 2, n_embd: int = 32, n_head: int = 4, max_len: int = 128
    ):
        super().__init__()
        self.src_emb = nn.Embedding(src_vocab, n_embd)
        self.tgt_emb = nn.Embedding(tgt_vocab, n_embd)
        self.register_buffer("pe", torch.from_numpy(sinusoidal_pe(max_len, n_embd)).float(), persistent=False)
        self.encoder = Encoder(n_layer, n_embd, n_head)
        self.decoder = Decoder(n_layer, n_embd, n_head)
        self.lm_head = nn.Linear(n_embd, tgt_vocab, bias=False)

    def forward(self, src: torch.Tensor, tgt: torch.Tensor, src_pad: torch.Tensor | None = None) -> torch.Tensor:
        """src (B, S), tgt (B, T) ids; src_pad (B, 1, 1, S) True=padding. Returns logits (B, T, V_tgt)."""
        pe = self.get_buffer("pe")
        x = self.src_emb(src) + pe[: src.size(1)]  # (B, S, C)
        memory = self.encoder(x, src_pad)  # (B, S, C)
        y = self.tgt_emb(tgt) + pe[: tgt.size(1)]  # (B, T, C)
        return self.lm_head(self.decoder(y, memory, src_pad))  # (B, T, V)
