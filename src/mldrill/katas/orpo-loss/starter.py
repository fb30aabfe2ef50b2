import torch


def orpo_loss(
    nll_chosen: torch.Tensor, mean_logp_chosen: torch.Tensor, mean_logp_rejected: torch.Tensor, *, lam: float = 0.1
) -> torch.Tensor:
    """Mean SFT loss on the chosen responses minus lam times the mean log-sigmoid of the log odds ratio."""
    raise NotImplementedError("write orpo_loss here")
