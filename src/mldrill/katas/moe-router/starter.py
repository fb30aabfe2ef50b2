import torch


def route_with_aux(
    logits: torch.Tensor, k: int, *, style: str = "mixtral", alpha: float = 0.01
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(T, E) router logits -> (gates (T, k), expert indices (T, k), Switch aux loss)."""
    raise NotImplementedError("write route_with_aux here")
