import torch


def cfg_batched(eps_both: torch.Tensor, w: float, *, rescale: float = 0.0) -> torch.Tensor:
    """(2B, ...) predictions on [uncond; cond] -> (B, ...) guided prediction, optionally std-rescaled by phi."""
    raise NotImplementedError("write cfg_batched here")
