import torch


def ddim_step(
    eps: torch.Tensor,
    t: int,
    t_prev: int,
    x_t: torch.Tensor,
    abar: torch.Tensor,
    *,
    eta: float = 0.0,
    noise: torch.Tensor | None = None,
) -> torch.Tensor:
    """x_{t_prev} from x_t and the predicted noise; t_prev = -1 is the clean end (abar_prev = 1)."""
    raise NotImplementedError("write ddim_step here")
