"""FlashAttention-style tiled forward pass with an online softmax (Dao et al., 2022), in NumPy.

For each tile of Bq queries, stream over tiles of Bk keys and keep per-row running statistics:

    m_new = max(m, rowmax(S_tile));  l = l * e^(m - m_new) + rowsum(e^(S_tile - m_new))
    acc   = acc * e^(m - m_new) + e^(S_tile - m_new) V_tile;   out = acc / l  after the last tile

so the T x T score matrix never exists: the working set is O(Bq Bk + Bq hs) per tile and O(T hs) for the output,
instead of O(T^2). FLOPs stay O(T^2 hs); the GPU win is fewer HBM reads/writes: Theta(T^2 hs^2 / M) accesses for SRAM
size M vs Theta(T hs + T^2) for standard attention (M27). The result is exact math but not bitwise equal to plain
attention, because the sums run in a different order: compare with allclose (M26). The real kernel's backward pass
recomputes the tiles from (q, k, v, m, l) instead of storing the probabilities; only the forward is here.

Causal: key tiles entirely in the future are skipped (about half the work), the diagonal tiles are masked.
Tested against `ref.attention.sdpa` and `F.scaled_dot_product_attention`, with peak memory measured by tracemalloc
(tests/ref/test_flash.py; bench/bench_flash_memory.py).
"""

from __future__ import annotations

import math

import numpy as np


def flash_attention(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    *,
    block_q: int = 64,
    block_k: int = 64,
    causal: bool = False,
    scale: float | None = None,
) -> np.ndarray:
    """q (..., T, hs), k (..., S, hs), v (..., S, hv) -> (..., T, hv); causal aligns the last query and key."""
    T, S = q.shape[-2], k.shape[-2]
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    out = np.empty((*q.shape[:-1], v.shape[-1]), dtype=np.result_type(q, v))  # (..., T, hv)
    offset = S - T  # causal: query i sees keys j <= i + offset
    for qs in range(0, T, block_q):
        qe = min(qs + block_q, T)
        qt = q[..., qs:qe, :] * scale  # (..., Bq, hs)
        m = np.full((*q.shape[:-2], qe - qs, 1), -np.inf)  # running row max
        l = np.zeros_like(m)  # running row sum of exp
        acc = np.zeros((*q.shape[:-2], qe - qs, v.shape[-1]))  # (..., Bq, hv) unnormalised output
        k_end = min(S, qe + offset) if causal else S
        for ks in range(0, k_end, block_k):
            ke = min(ks + block_k, k_end)
            s = qt @ np.swapaxes(k[..., ks:ke, :], -1, -2)  # (..., Bq, Bk): the only score tile alive
            if causal and ke - 1 > qs + offset:  # this tile touches the diagonal
                i = np.arange(qs, qe)[:, None] + offset
                s = np.where(np.arange(ks, ke)[None, :] > i, -np.inf, s)
            m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
            m_safe = np.where(np.isfinite(m_new), m_new, 0.0)  # a row with no key yet: keep exp() at 0, not NaN
            p = np.exp(s - m_safe)  # (..., Bq, Bk)
            correction = np.exp(np.where(np.isfinite(m), m - m_safe, -np.inf))  # e^(m_old - m_new)
            l = l * correction + p.sum(axis=-1, keepdims=True)
            acc = acc * correction + p @ v[..., ks:ke, :]  # (..., Bq, hv)
            m = m_new
        out[..., qs:qe, :] = acc / np.where(l == 0, 1.0, l)  # rows with no visible key give 0, like ref.attention
    return out
