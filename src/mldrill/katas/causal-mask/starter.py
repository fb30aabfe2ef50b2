import torch


def causal_mask(T: int, S: int | None = None) -> torch.Tensor:
    """(T, S) bool mask, True = blocked: query i (at position i + S - T) may not see keys j > i + S - T."""
    raise NotImplementedError("write causal_mask here")
