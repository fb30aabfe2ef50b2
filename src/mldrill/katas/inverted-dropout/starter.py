import torch


def dropout(
    x: torch.Tensor, p: float = 0.5, training: bool = True, *, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Inverted dropout: zero each element with probability p and scale survivors by 1/(1-p); identity in eval."""
    raise NotImplementedError("write dropout here")
