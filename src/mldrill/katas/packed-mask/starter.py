import torch


def packed_mask(doc_ids: torch.Tensor, *, causal: bool = True) -> torch.Tensor:
    """Block-diagonal (and optionally causal) bool mask, True = blocked: (T,) -> (T, T), (B, T) -> (B, 1, T, T)."""
    raise NotImplementedError("write packed_mask here")
