import torch


def perplexity(logits: torch.Tensor, targets: torch.Tensor, *, ignore_index: int = -100) -> float:
    """exp(mean NLL over the non-ignored tokens) for logits (B, T, V) and aligned targets (B, T)."""
    raise NotImplementedError("write perplexity here")
