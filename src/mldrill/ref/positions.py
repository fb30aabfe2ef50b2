"""Positional information for attention: sinusoidal, learned, rotary (RoPE) and ALiBi.

Sinusoidal (Vaswani et al., 2017):   PE(p, 2i) = sin(p / base^(2i/d)),  PE(p, 2i+1) = cos(p / base^(2i/d)),  base 10000.
    Added to the token embeddings. PE(p + k) is a fixed block rotation of PE(p), for every p.
Learned absolute (GPT-2): an nn.Embedding(block_size, d) row per position; cannot extrapolate past block_size.
RoPE (Su et al., 2021): rotate each pair of q and k channels by angle p * base^(-2i/d). Applied to Q and K inside
    attention, never to V or the embeddings; <R_m q, R_n k> depends only on m - n; rotations preserve norms.
    Two pairings exist (M24): "interleaved" pairs (x0, x1), (x2, x3), ... (GPT-J, the paper) and "half" pairs
    (x_i, x_{i + d/2}) (GPT-NeoX, HF Llama's `rotate_half`). They differ by a fixed permutation of the channels, so
    converting a checkpoint between them permutes the rows of W_q and W_k. Longer contexts than trained: linear
    position interpolation, NTK-aware base scaling or YaRN (`rope_angles(..., scaling=...)`).
ALiBi (Press et al., 2022): no embeddings; add -m_k (i - j) to head k's scores, m_k = 2^(-8k/h) for k = 1..h when h is
    a power of two; otherwise the slopes of the nearest lower power of two p, followed by every other slope of 2p.

Tested against HF Llama's `LlamaRotaryEmbedding` + `apply_rotary_pos_emb` and BLOOM's `build_alibi_tensor`
(tests/ref/test_positions.py). BLOOM's bias is +m j rather than -m (i - j): they differ by a per-row constant,
which the softmax ignores.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import torch
from torch import nn


def sinusoidal_pe(n: int, d: int, *, base: float = 10000.0) -> np.ndarray:
    """(n, d) table; even channels sin, odd channels cos. d must be even."""
    if d % 2:
        raise ValueError(f"d={d} must be even")
    pos = np.arange(n)[:, None]  # (n, 1)
    inv_freq = base ** (-np.arange(0, d, 2) / d)  # (d/2,)
    angles = pos * inv_freq[None, :]  # (n, d/2)
    pe = np.empty((n, d))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


def learned_pe(block_size: int, d: int, *, generator: torch.Generator | None = None) -> nn.Embedding:
    """GPT-2's learned absolute positions, N(0, 0.02) init; indexing past block_size raises."""
    emb = nn.Embedding(block_size, d)
    with torch.no_grad():
        emb.weight.normal_(0.0, 0.02, generator=generator)
    return emb


RopeStyle = Literal["half", "interleaved"]


RopeScaling = Literal["linear", "ntk", "yarn"]


def yarn_inv_freq(
    hs: int, *, base: float, factor: float, original_max_len: int, beta_fast: float = 32.0, beta_slow: float = 1.0
) -> tuple[torch.Tensor, float]:
    """YaRN (Peng et al., 2023): per-pair blend of plain RoPE and position interpolation, plus an attention factor.

    Pair i completes L / (2 pi base^(2i/hs)) rotations over the original context L. Pairs rotating more than
    beta_fast times keep their frequency (extrapolation), pairs rotating fewer than beta_slow times are divided by the
    factor (interpolation), with a linear ramp between; cos and sin are scaled by 0.1 ln(factor) + 1.
    """

    def dim_for(rotations: float) -> float:  # the (fractional) channel index that makes `rotations` turns over L
        return hs * math.log(original_max_len / (rotations * 2 * math.pi)) / (2 * math.log(base))

    low = max(math.floor(dim_for(beta_fast)), 0)
    high = min(math.ceil(dim_for(beta_slow)), hs - 1)
    extrap = base ** (-torch.arange(0, hs, 2, dtype=torch.float64) / hs)  # (hs/2,)
    ramp = ((torch.arange(hs // 2, dtype=torch.float64) - low) / max(high - low, 1e-3)).clamp(0, 1)
    inv_freq = extrap * (1 - ramp) + (extrap / factor) * ramp
    return inv_freq, (0.1 * math.log(factor) + 1.0) if factor > 1 else 1.0


def rope_angles(
    pos: torch.Tensor,
    hs: int,
    *,
    base: float = 10000.0,
    scaling: RopeScaling | None = None,
    factor: float = 1.0,
    original_max_len: int | None = None,
) -> torch.Tensor:
    """Angles p * base^(-2i/hs): pos (..., T) -> (..., T, hs/2), in float64 for accuracy at long positions.

    Context extension by `factor`: "linear" (position interpolation, Chen et al., 2023) divides every angle by the
    factor; "ntk" (NTK-aware) raises the base to base * factor^(hs/(hs-2)), which leaves the fastest pair unchanged
    and interpolates the slowest pair by exactly 1/factor. "yarn" blends the two per frequency (`yarn_inv_freq`).
    """
    if scaling == "ntk":
        base = base * factor ** (hs / (hs - 2))
    inv_freq = base ** (-torch.arange(0, hs, 2, dtype=torch.float64) / hs)  # (hs/2,)
    if scaling == "linear":
        inv_freq = inv_freq / factor
    if scaling == "yarn":
        if original_max_len is None:
            raise ValueError("YaRN needs original_max_len (the pretraining context length)")
        inv_freq, _ = yarn_inv_freq(hs, base=base, factor=factor, original_max_len=original_max_len)
    return pos.to(torch.float64).unsqueeze(-1) * inv_freq  # (..., T, hs/2)


def apply_rope(
    x: torch.Tensor,
    pos: torch.Tensor,
    *,
    base: float = 10000.0,
    style: RopeStyle = "half",
    scaling: RopeScaling | None = None,
    factor: float = 1.0,
    original_max_len: int | None = None,
) -> torch.Tensor:
    """Rotate x (B, nh, T, hs) at positions pos (T,) or (B, T). Returns the same shape and dtype."""
    hs = x.size(-1)
    if hs % 2:
        raise ValueError(f"head size {hs} must be even for RoPE")
    ang = rope_angles(pos, hs, base=base, scaling=scaling, factor=factor, original_max_len=original_max_len)
    mscale = 0.1 * math.log(factor) + 1.0 if scaling == "yarn" and factor > 1 else 1.0  # YaRN's attention factor
    if ang.dim() == 3:
        ang = ang.unsqueeze(1)  # (B, 1, T, hs/2): broadcast over heads
    cos, sin = (ang.cos() * mscale).to(x.dtype), (ang.sin() * mscale).to(x.dtype)
    if style == "half":
        x1, x2 = x[..., : hs // 2], x[..., hs // 2 :]  # pairs (x_i, x_{i + hs/2})
        return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
    if style == "interleaved":
        x1, x2 = x[..., 0::2], x[..., 1::2]  # pairs (x_{2i}, x_{2i+1})
        out = torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)  # (..., hs/2, 2)
        return out.flatten(-2)  # (..., hs)
    raise ValueError(f"style must be 'half' or 'interleaved', got {style!r}")


def interleaved_to_half_permutation(hs: int) -> torch.Tensor:
    """Channel order that turns interleaved RoPE into half-split RoPE: evens first, then odds."""
    return torch.cat([torch.arange(0, hs, 2), torch.arange(1, hs, 2)])


def alibi_slopes(h: int) -> torch.Tensor:
    """(h,) slopes m_k = 2^(-8k/h); non-powers of two interleave the slopes of 2p (Press et al., appendix)."""

    def pow2(n: int) -> list[float]:
        start = 2.0 ** (-8.0 / n)
        return [start ** (k + 1) for k in range(n)]

    p = 2 ** math.floor(math.log2(h))
    slopes = pow2(p) + pow2(2 * p)[0::2][: h - p]
    return torch.tensor(slopes, dtype=torch.float64)


def alibi_bias(h: int, n: int) -> torch.Tensor:
    """(h, n, n) bias -m_k (i - j) for key j <= query i; 0 on and above the diagonal (combine with a causal mask)."""
    i = torch.arange(n)[:, None]
    j = torch.arange(n)[None, :]
    dist = (i - j).clamp(min=0).to(torch.float64)  # (n, n): no sense of direction, only distance
    return -alibi_slopes(h)[:, None, None] * dist  # (h, n, n)
