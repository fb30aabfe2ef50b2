import torch


def q_sample_posterior_mean(
    x0: torch.Tensor, t: torch.Tensor, betas: torch.Tensor, noise: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x_t, mean of q(x_{t-1} | x_t, x0)) for a (B,) tensor of 0-based steps t."""
    raise NotImplementedError("write q_sample_posterior_mean here")
