import torch


def bce_with_logits(x: torch.Tensor, y: torch.Tensor, *, pos_weight: torch.Tensor | None = None) -> torch.Tensor:
    """Mean of pos_weight * y * softplus(-x) + (1 - y) * softplus(x), stable for any logit."""
    raise NotImplementedError("write bce_with_logits here")
