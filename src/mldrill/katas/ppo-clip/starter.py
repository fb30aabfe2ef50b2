import torch


def ppo_clip_loss(logp: torch.Tensor, logp_old: torch.Tensor, adv: torch.Tensor, *, eps: float = 0.2) -> torch.Tensor:
    """Negated mean of min(rho * A, clip(rho, 1 - eps, 1 + eps) * A), rho = exp(logp - logp_old)."""
    raise NotImplementedError("write ppo_clip_loss here")
