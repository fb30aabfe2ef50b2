import torch


def cross_entropy(logits: torch.Tensor, target: torch.Tensor, *, ignore_index: int = -100) -> torch.Tensor:
    """Mean cross-entropy of logits (N, C) against class indices (N,), skipping targets equal to ignore_index."""
    raise NotImplementedError("write cross_entropy here")
