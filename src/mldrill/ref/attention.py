"""Scaled dot-product attention, its masks, multi-head / grouped-query attention, and cost formulas.

    Attn(Q, K, V) = softmax(Q K^T / sqrt(d_k) + M) V          (Vaswani et al., 2017, "Attention Is All You Need")

Var(q . k) = d_k for unit-variance q and k, so dividing by sqrt(d_k) (not d_k) keeps the scores at unit scale and the
softmax out of saturation, where its gradient vanishes.

Mask convention (one for the whole library): a boolean mask where **True means blocked**; blocked scores are filled
with -inf *before* the softmax. This is the polarity of `Tensor.masked_fill(mask, -inf)` and of
`nn.MultiheadAttention`'s `attn_mask` / `key_padding_mask`, and the *opposite* of `F.scaled_dot_product_attention`'s
boolean `attn_mask`, where True means attend (M22). `sdpa_torch` inverts it when it calls torch. Masks combine by OR
of "blocked" (= AND of the keep-masks).

Fully masked rows (a query that may attend to nothing, e.g. a padding query): with -inf every score is -inf and a
naive softmax returns NaN; with `finfo.min` it silently spreads uniform weight over the masked keys (M21). Here such a
row gets all-zero weights and a zero output, with finite (zero) gradients: the same output as
`F.scaled_dot_product_attention` in torch >= 2.5 (its "safe softmax").

Grouped-query attention (Ainslie et al., 2023): nh query heads share nkv key/value heads (nh % nkv == 0); nkv == nh is
MHA, nkv == 1 is multi-query attention (Shazeer, 2019). Only the K/V projections shrink (M28):
params = 2 d^2 + 2 d nkv hs (no bias). Splitting d into more heads does not change 4 d^2 (M20).

Tested against `F.scaled_dot_product_attention` (incl. `enable_gqa=True`) and `nn.MultiheadAttention` with copied
weights (tests/ref/test_attention.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ----------------------------------------------------------------------------------------------------------------
# NumPy and torch scaled dot-product attention


def _softmax_np(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Stable softmax; rows that are all -inf give all zeros (not NaN)."""
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # a fully masked row: exp(-inf - 0) = 0 everywhere
    e = np.exp(x - m)
    s = np.sum(e, axis=axis, keepdims=True)
    return e / np.where(s == 0.0, 1.0, s)


def sdpa(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None, *, scale: float | None = None
) -> np.ndarray:
    """NumPy attention. q (..., T, hs), k (..., S, hs), v (..., S, hv); mask broadcasts to (..., T, S), True=blocked."""
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    att = (q @ np.swapaxes(k, -1, -2)) * scale  # (..., T, S)
    if mask is not None:
        att = np.where(mask, -np.inf, att)
    att = _softmax_np(att, axis=-1)  # (..., T, S)
    return att @ v  # (..., T, hv)


def attention_weights(
    q: torch.Tensor, k: torch.Tensor, mask: torch.Tensor | None = None, *, scale: float | None = None
) -> torch.Tensor:
    """softmax(q k^T * scale) with blocked entries at 0 and fully masked rows at 0. Returns (..., T, S)."""
    scale = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    att = (q @ k.transpose(-2, -1)) * scale  # (..., T, S)
    if mask is None:
        return F.softmax(att, dim=-1)
    att = att.masked_fill(mask, float("-inf"))
    dead = mask.all(dim=-1, keepdim=True)  # (..., T, 1) rows that may attend to nothing
    att = F.softmax(att.masked_fill(dead, 0.0), dim=-1)  # no -inf row reaches the softmax: no NaN
    return att.masked_fill(dead, 0.0)


def sdpa_torch(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    mask: torch.Tensor | None = None,
    *,
    scale: float | None = None,
    dropout_p: float = 0.0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Readable torch attention, differentiable. Shapes as `sdpa`; mask True=blocked."""
    att = attention_weights(q, k, mask, scale=scale)  # (..., T, S)
    if dropout_p > 0.0:
        keep = torch.rand(att.shape, generator=generator, dtype=att.dtype, device=att.device) >= dropout_p
        att = att * keep / (1.0 - dropout_p)
    return att @ v  # (..., T, hv)


def sdpa_fast(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """The same through torch's fused kernel; note the inverted boolean mask (True=attend there)."""
    return F.scaled_dot_product_attention(q, k, v, attn_mask=None if mask is None else ~mask)


# ----------------------------------------------------------------------------------------------------------------
# Masks: bool, True = blocked


def causal_mask(T: int, S: int | None = None) -> torch.Tensor:
    """(T, S) blocked = j > i + (S - T). The diagonal is *kept*: token i sees itself (M23). S > T: queries are last."""
    S = T if S is None else S
    i = torch.arange(T)[:, None] + (S - T)
    j = torch.arange(S)[None, :]
    return j > i  # (T, S)


def padding_mask(lengths: Sequence[int] | torch.Tensor, T: int) -> torch.Tensor:
    """(B, 1, 1, T) blocked = key position >= the sequence's length (right padding)."""
    lengths = torch.as_tensor(lengths)
    return (torch.arange(T)[None, :] >= lengths[:, None])[:, None, None, :]  # (B, 1, 1, T)


def sliding_window_mask(T: int, window: int) -> torch.Tensor:
    """(T, T) causal, and each query sees only its last `window` positions (itself included)."""
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    return (j > i) | (j <= i - window)


def prefix_lm_mask(T: int, prefix_len: int) -> torch.Tensor:
    """(T, T) bidirectional over the first `prefix_len` positions, causal after them."""
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    return (j > i) & (j >= prefix_len)


def packed_mask(doc_ids: torch.Tensor, *, causal: bool = True) -> torch.Tensor:
    """Block-diagonal mask for packed sequences: doc_ids (B, T) or (T,) -> (B, 1, T, T) or (T, T).

    A token attends only inside its own document (and causally, if asked). Position ids must restart per document too.
    """
    blocked = doc_ids[..., :, None] != doc_ids[..., None, :]  # (..., T, T)
    if causal:
        blocked = blocked | causal_mask(doc_ids.size(-1))
    return blocked.unsqueeze(-3) if doc_ids.dim() == 2 else blocked


def packed_position_ids(doc_ids: torch.Tensor) -> torch.Tensor:
    """Positions restarting at 0 at each new document of a (T,) doc-id row."""
    T = doc_ids.size(0)
    start = torch.ones(T, dtype=torch.bool)
    start[1:] = doc_ids[1:] != doc_ids[:-1]
    idx = torch.arange(T)
    first = torch.cummax(torch.where(start, idx, torch.zeros_like(idx)), dim=0).values
    return idx - first


# ----------------------------------------------------------------------------------------------------------------
# Multi-head, grouped-query and cross attention


def gqa_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """q (B, nh, T, hs), k/v (B, nkv, S, hs): each group of nh//nkv consecutive query heads shares one K/V head."""
    nh, nkv = q.size(1), k.size(1)
    if nh % nkv:
        raise ValueError(f"n_head={nh} must be a multiple of n_kv_head={nkv}")
    k = k.repeat_interleave(nh // nkv, dim=1)  # (B, nh, S, hs): head h uses kv head h // (nh // nkv)
    v = v.repeat_interleave(nh // nkv, dim=1)  # (B, nh, S, hs)
    return sdpa_torch(q, k, v, mask)  # (B, nh, T, hs)


class MultiHeadAttention(nn.Module):
    """Multi-head attention with optional grouped K/V heads (`n_kv_head`) and optional separate context (cross-attn).

    forward(x, context=None, mask=None): queries from x (B, T, C), keys/values from context (B, S, C) or x.
    """

    def __init__(self, n_embd: int, n_head: int, *, n_kv_head: int | None = None, bias: bool = False) -> None:
        super().__init__()
        if n_embd % n_head:
            raise ValueError(f"n_embd={n_embd} must be divisible by n_head={n_head}")
        self.n_head, self.n_kv_head = n_head, n_kv_head or n_head
        self.hs = n_embd // n_head
        self.q_proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.k_proj = nn.Linear(n_embd, self.n_kv_head * self.hs, bias=bias)
        self.v_proj = nn.Linear(n_embd, self.n_kv_head * self.hs, bias=bias)
        self.o_proj = nn.Linear(n_embd, n_embd, bias=bias)

    def forward(
        self, x: torch.Tensor, context: torch.Tensor | None = None, mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        B, T, C = x.size()
        ctx = x if context is None else context
        S = ctx.size(1)
        q = self.q_proj(x).view(B, T, self.n_head, self.hs).transpose(1, 2)  # (B, nh, T, hs)
        k = self.k_proj(ctx).view(B, S, self.n_kv_head, self.hs).transpose(1, 2)  # (B, nkv, S, hs)
        v = self.v_proj(ctx).view(B, S, self.n_kv_head, self.hs).transpose(1, 2)  # (B, nkv, S, hs)
        y = gqa_attention(q, k, v, mask)  # (B, nh, T, hs)
        # after transpose the memory is not contiguous: .view() would fail, so reshape (M20 trap: .contiguous())
        y = y.transpose(1, 2).reshape(B, T, C)  # (B, T, C)
        return self.o_proj(y)


def cross_attention(
    y: torch.Tensor, h: torch.Tensor, attn: MultiHeadAttention, mask: torch.Tensor | None = None
) -> torch.Tensor:
    """Decoder states y (B, T, C) attend to encoder states h (B, S, C): Q from y, K and V from h; output (B, T, C)."""
    return attn(y, context=h, mask=mask)


# ----------------------------------------------------------------------------------------------------------------
# Projections, head diagnostics, QK-norm and Linformer


def qkv_project(
    x: torch.Tensor, w_q: torch.Tensor, w_k: torch.Tensor, w_v: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Separate query/key/value projections of x (B, T, C) with (out, C) weights, as nn.Linear stores them.

    Tying W_Q = W_K makes every score matrix symmetric (s_ij = s_ji): "i looks for j" can no longer differ from
    "j looks for i", which is why the projections are separate.
    """
    return x @ w_q.T, x @ w_k.T, x @ w_v.T  # (B, T, *)


def head_similarity(att: torch.Tensor) -> torch.Tensor:
    """Mean Jensen-Shannon divergence (nats) between the attention rows of every pair of heads.

    att (nh, T, S) with rows summing to 1 -> (nh, nh); duplicated (collapsed) heads give ~0, and JS <= ln 2 (M56:
    scipy's `jensenshannon` returns sqrt(JS)).
    """
    p = att.unsqueeze(1)  # (nh, 1, T, S)
    q = att.unsqueeze(0)  # (1, nh, T, S)
    m = 0.5 * (p + q)  # (nh, nh, T, S)

    def kl(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.where(a > 0, a * (a / b).log(), torch.zeros_like(a)).sum(-1)  # 0 log 0 = 0

    return (0.5 * kl(p, m) + 0.5 * kl(q, m)).mean(-1)  # (nh, nh)


def qk_norm_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *, scale: float, mask: torch.Tensor | None = None
) -> torch.Tensor:
    """Cosine attention: L2-normalise q and k, then a learned temperature `scale` replaces 1/sqrt(hs).

    Every score lies in [-scale, scale], so the softmax cannot saturate however large the activations grow.
    """
    return sdpa_torch(F.normalize(q, dim=-1), F.normalize(k, dim=-1), v, mask, scale=scale)


def linformer_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, E: torch.Tensor, F_: torch.Tensor
) -> torch.Tensor:
    """Linformer (Wang et al., 2020): project keys and values along the sequence, K' = E K, V' = F V, E/F (r, n).

    O(n r) instead of O(n^2); exact when E = F = I. The projections fix the sequence length n, and mixing positions
    before the softmax makes a causal version awkward.
    """
    if E.size(-1) != k.size(-2) or F_.size(-1) != v.size(-2):
        raise ValueError(f"projection length {E.size(-1)}/{F_.size(-1)} != sequence length {k.size(-2)}")
    return sdpa_torch(q, E @ k, F_ @ v)  # scores (..., T, r)


# ----------------------------------------------------------------------------------------------------------------
# Linear attention and online softmax


def elu_feature_map(x: torch.Tensor) -> torch.Tensor:
    """phi(x) = elu(x) + 1 > 0 (Katharopoulos et al., 2020)."""
    return F.elu(x) + 1.0


def linear_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    *,
    phi: Callable[[torch.Tensor], torch.Tensor] = elu_feature_map,
    causal: bool = False,
    eps: float = 1e-6,
) -> torch.Tensor:
    """Kernel attention: out_i = phi(q_i)^T (sum_j phi(k_j) v_j^T) / phi(q_i)^T (sum_j phi(k_j)).

    O(T hs hv) instead of O(T^2 hs): associativity lets phi(K)^T V be formed first. Causal: the sums become prefix sums.
    It approximates softmax attention (a different similarity), it does not equal it.
    """
    fq, fk = phi(q), phi(k)  # (..., T, hs), (..., S, hs)
    if not causal:
        kv = fk.transpose(-2, -1) @ v  # (..., hs, hv)
        z = fk.sum(dim=-2)  # (..., hs)
        return (fq @ kv) / ((fq * z.unsqueeze(-2)).sum(-1, keepdim=True) + eps)  # (..., T, hv)
    kv = torch.cumsum(fk.unsqueeze(-1) * v.unsqueeze(-2), dim=-3)  # (..., T, hs, hv) prefix sums of phi(k_j) v_j^T
    z = torch.cumsum(fk, dim=-2)  # (..., T, hs)
    num = (fq.unsqueeze(-2) @ kv).squeeze(-2)  # (..., T, hv)
    return num / ((fq * z).sum(-1, keepdim=True) + eps)


def online_softmax(chunks: Sequence[np.ndarray]) -> np.ndarray:
    """Softmax of the concatenation of 1-D chunks, reading each chunk once (Milakov & Gimelshein, 2018).

    Keep a running max m and a running sum s of exp(x - m); when the max grows, rescale s by exp(m_old - m_new).
    """
    m, s = -np.inf, 0.0
    for c in chunks:
        m_new = max(m, float(np.max(c))) if len(c) else m
        s = s * math.exp(m - m_new) + float(np.sum(np.exp(c - m_new))) if m_new > -np.inf else s
        m = m_new
    return np.concatenate([np.exp(c - m) / s for c in chunks])


# ----------------------------------------------------------------------------------------------------------------
# Cost formulas (cards quote these numbers)


@dataclass(frozen=True)
class AttentionCost:
    params: int  # 4 d^2 (+ 4 d with bias), independent of h (M20)
    proj_flops: int  # Q, K, V, O projections: 4 matmuls of (n, d) x (d, d) = 8 n d^2
    score_flops: int  # QK^T and AV: 2 * 2 n^2 d, independent of h
    score_memory: int  # h n^2 attention-matrix entries per sequence (what FlashAttention avoids storing)

    @property
    def flops(self) -> int:
        return self.proj_flops + self.score_flops


def attention_cost(n: int, d: int, h: int, *, bias: bool = False) -> AttentionCost:
    """Forward cost of one multi-head self-attention layer on n tokens of width d with h heads (1 FMA = 2 FLOPs)."""
    if d % h:
        raise ValueError(f"d={d} must be divisible by h={h}")
    params = 4 * d * d + (4 * d if bias else 0)
    return AttentionCost(params=params, proj_flops=8 * n * d * d, score_flops=4 * n * n * d, score_memory=h * n * n)


def gqa_params(d: int, h: int, g: int, *, bias: bool = False) -> int:
    """Attention parameters with h query heads and g K/V heads: 2 d^2 + 2 d g d_h (M28; g = h gives 4 d^2)."""
    if d % h or h % g:
        raise ValueError(f"need d % h == 0 and h % g == 0, got d={d}, h={h}, g={g}")
    dh = d // h
    return 2 * d * d + 2 * d * g * dh + ((2 * d + 2 * g * dh) if bias else 0)
