"""Sparse attention patterns (Child et al., 2019; Beltagy et al., 2020, Longformer) and a local + global kernel.

Masks (bool, True = blocked, as everywhere in ref.attention):
- local: |i - j| < window (or i - window < j <= i when causal);
- strided: causal, j attends if (i - j) % stride == 0 (Sparse Transformer's second head);
- global: the first n_global tokens attend everywhere and everyone attends to them.

Masking a dense T x T score matrix still costs O(T^2) time and memory; the savings need a kernel that computes only
the allowed scores. `local_global_attention` does that for causal local + global attention: each query gathers its
`window` most recent keys plus the `n_global` global keys, so it forms T (window + n_global) scores instead of T^2,
and it returns exactly masked SDPA with `local_global_mask` (tests/ref/test_sparse_attention.py).
"""

from __future__ import annotations

import math

import torch

from mldrill.ref.attention import causal_mask


def local_mask(T: int, window: int, *, causal: bool = True) -> torch.Tensor:
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    if causal:
        return (j > i) | (j <= i - window)
    return (i - j).abs() >= window


def strided_mask(T: int, stride: int) -> torch.Tensor:
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    return (j > i) | ((i - j) % stride != 0)


def global_mask(T: int, n_global: int) -> torch.Tensor:
    """Blocked unless the query or the key is one of the first n_global tokens."""
    g = torch.arange(T) < n_global
    return ~(g[:, None] | g[None, :])


def local_global_mask(T: int, window: int, n_global: int) -> torch.Tensor:
    """Causal: query i sees the keys in its window and the first n_global keys, never the future."""
    return (local_mask(T, window, causal=True) & global_mask(T, n_global)) | causal_mask(T)


def local_global_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *, window: int, n_global: int
) -> tuple[torch.Tensor, int]:
    """Causal local + global attention computing only T (window + n_global) scores. Returns (out, n_scores).

    q, k, v: (..., T, hs). Window slots hold keys i - window + 1 .. i; global slots hold keys 0 .. n_global - 1.
    A key that is in both (j < n_global inside the window) is counted once: its window slot is masked.
    """
    if window < 1 or n_global < 0:
        raise ValueError(f"need window >= 1 and n_global >= 0, got window={window}, n_global={n_global}")
    T, hs = q.size(-2), q.size(-1)
    i = torch.arange(T)[:, None]
    win = i - window + 1 + torch.arange(window)[None, :]  # (T, w) key index per window slot
    glob = torch.arange(n_global)[None, :].expand(T, n_global)  # (T, g)
    idx = torch.cat([glob, win], dim=1)  # (T, g + w)
    blocked = torch.cat([glob > i, (win < 0) | (win < n_global)], dim=1)  # future globals; out of range; duplicates
    safe = idx.clamp(min=0)
    kg = k[..., safe, :]  # (..., T, g + w, hs) gathered keys
    vg = v[..., safe, :]  # (..., T, g + w, hv)
    s = (q.unsqueeze(-2) @ kg.transpose(-2, -1)).squeeze(-2) / math.sqrt(hs)  # (..., T, g + w)
    p = torch.softmax(s.masked_fill(blocked, float("-inf")), dim=-1)  # never empty: key i is always in the window
    out = (p.unsqueeze(-2) @ vg).squeeze(-2)  # (..., T, hv)
    return out, T * (window + n_global)
