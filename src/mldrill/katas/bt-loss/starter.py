import torch


def bt_loss(r_chosen: torch.Tensor, r_rejected: torch.Tensor) -> torch.Tensor:
    """Mean over pairs of -log sigmoid(r_chosen - r_rejected)."""
    raise NotImplementedError("write bt_loss here")
