import torch


def dispatch_positions(idx: torch.Tensor, E: int, *, capacity_factor: float = 1.25) -> tuple[int, torch.Tensor]:
    """(capacity, (T, k) place of each routed slot in its expert's buffer, -1 where dropped)."""
    raise NotImplementedError("write dispatch_positions here")
