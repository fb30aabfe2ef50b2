import torch


def posterior_coefficients(betas: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(coef_x0, coef_xt, variance), each (T,): q(x_{t-1} | x_t, x_0) = N(coef_x0 x_0 + coef_xt x_t, variance)."""
    raise NotImplementedError("write posterior_coefficients here")
