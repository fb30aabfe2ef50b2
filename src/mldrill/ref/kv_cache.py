"""A key/value cache for incremental decoding, and its size formula.

At decode step t a causal model needs K and V of every earlier token, and those never change: store them once
(prefill writes the prompt's K/V in one forward), then each new token computes only its own q, k, v and attends to
the cache. That turns the O(t^2) recomputation of a naive loop into O(t) per step. It helps incremental decoding only,
not training or prefill, and it turns memory into the bottleneck:

    KV bytes = 2 (K and V) * n_layer * n_kv_head * head_dim * seq_len * batch * bytes_per_elem

Use the number of *KV* heads, not query heads (M30): Llama-3-8B (32 layers, 8 KV heads of 128, bf16) stores
2*32*8*128*2 = 131,072 B = 128 KiB per token, so 1 GiB at 8192 tokens; with 32 KV heads (MHA) it would be 4 GiB.

Tested: model logits with the cache equal the full forward at every step (tests/ref/test_generate.py, test_gpt.py,
test_llama.py); the formula against the tensors' own byte counts (tests/ref/test_kv_cache.py).
"""

from __future__ import annotations

import torch


def kv_cache_bytes(
    n_layer: int, n_kv_head: int, head_dim: int, seq_len: int, bytes_per_elem: int | float, batch: int = 1
) -> int:
    """Bytes of a full KV cache: 2 * L * g * d_h * n * B * bytes."""
    return int(2 * n_layer * n_kv_head * head_dim * seq_len * batch * bytes_per_elem)


class KVCache:
    """Preallocated per-layer K and V buffers of shape (n_layer, B, nkv, max_len, hs); `length` tokens are filled.

    A forward pass calls `update(layer, k, v)` once per layer with the new tokens' k/v (B, nkv, T, hs) and gets back
    all keys/values so far (B, nkv, length + T, hs); the model calls `advance(T)` once after its last layer.
    """

    def __init__(
        self,
        *,
        n_layer: int,
        batch_size: int,
        n_kv_head: int,
        head_dim: int,
        max_len: int,
        dtype: torch.dtype = torch.float32,
        device: torch.device | str = "cpu",
    ) -> None:
        shape = (n_layer, batch_size, n_kv_head, max_len, head_dim)
        self.k = torch.zeros(shape, dtype=dtype, device=device)
        self.v = torch.zeros(shape, dtype=dtype, device=device)
        self.max_len = max_len
        self.length = 0

    def update(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        T = k.size(2)
        end = self.length + T
        if end > self.max_len:
            raise ValueError(f"KV cache overflow: {self.length} cached + {T} new > max_len={self.max_len}")
        self.k[layer, :, :, self.length : end] = k
        self.v[layer, :, :, self.length : end] = v
        return self.k[layer, :, :, :end], self.v[layer, :, :, :end]  # (B, nkv, length + T, hs)

    def advance(self, T: int) -> None:
        self.length += T

    def reorder(self, index: torch.Tensor) -> None:
        """Select/permute batch rows (beam search: follow each surviving beam's parent)."""
        self.k = self.k[:, index]
        self.v = self.v[:, index]

    def reset(self) -> None:
        self.length = 0

    @property
    def nbytes(self) -> int:
        return self.k.nbytes + self.v.nbytes


def quantize_kv_int8(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric absmax int8 per (batch, head): x (B, nkv, T, hs) -> (int8 values, scales (B, nkv, 1, 1)).

    s = max|x| / 127, q = round(x / s); the reconstruction error is at most s / 2 per element. Halves a bf16 cache.
    """
    scale = x.abs().amax(dim=(-2, -1), keepdim=True).clamp(min=1e-12) / 127.0  # (B, nkv, 1, 1)
    return torch.round(x / scale).clamp(-127, 127).to(torch.int8), scale


def dequantize_kv_int8(q: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    return q.to(scale.dtype) * scale
