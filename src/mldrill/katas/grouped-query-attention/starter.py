import torch


def gqa_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """q (B, h, T, hs); k, v (B, g, S, hs) with h % g == 0; mask True = blocked. Returns (B, h, T, hs)."""
    raise NotImplementedError("write gqa_attention here")
