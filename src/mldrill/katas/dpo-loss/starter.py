import torch


def dpo_loss(
    policy_chosen: torch.Tensor,
    policy_rejected: torch.Tensor,
    ref_chosen: torch.Tensor,
    ref_rejected: torch.Tensor,
    *,
    beta: float = 0.1,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mean DPO loss over the pairs, and the implicit rewards beta * (log pi - log ref) of each response."""
    raise NotImplementedError("write dpo_loss here")
