import torch


def top_p_probs(logits: torch.Tensor, p: float, *, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities: softmax(logits / T) on the top-p nucleus, renormalised, 0 elsewhere."""
    raise NotImplementedError("write top_p_probs here")
