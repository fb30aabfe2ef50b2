import torch


def info_nce(q: torch.Tensor, k: torch.Tensor, *, tau: float = 0.07, normalize: bool = True) -> torch.Tensor:
    """Mean over rows of -log softmax(q k^T / tau)[i, i]; rows L2-normalized first when normalize=True."""
    raise NotImplementedError("write info_nce here")
