import torch


def layer_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """LayerNorm over the last dimension of x, then scale by weight and shift by bias."""
    raise NotImplementedError("write layer_norm here")
