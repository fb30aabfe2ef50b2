import torch


def sigmoid_focal_loss(
    x: torch.Tensor, y: torch.Tensor, *, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"
) -> torch.Tensor:
    """alpha_t (1 - p_t)^gamma BCE(x, y), alpha < 0 disables alpha_t; reduction 'none' | 'mean' | 'sum'."""
    raise NotImplementedError("write sigmoid_focal_loss here")
