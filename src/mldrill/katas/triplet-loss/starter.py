import torch


def batch_hard_triplet(
    emb: torch.Tensor, labels: torch.Tensor, *, margin: float = 0.2
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mean batch-hard triplet loss, and each anchor's hardest positive and hardest negative index."""
    raise NotImplementedError("write batch_hard_triplet here")
