import torch


def loss_scaler_step(
    grads: list[torch.Tensor],
    scale: float,
    growth_tracker: int,
    *,
    max_norm: float,
    growth_factor: float = 2.0,
    backoff_factor: float = 0.5,
    growth_interval: int = 2000,
) -> tuple[list[torch.Tensor] | None, float, int]:
    """(unscaled clipped grads or None if skipped, new scale, new growth tracker) from the grads of the scaled loss."""
    raise NotImplementedError("write loss_scaler_step here")
