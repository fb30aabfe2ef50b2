import torch


def repetition_penalty(logits: torch.Tensor, prev_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Each token seen in its row: positive logit / penalty, non-positive logit * penalty, once per token."""
    raise NotImplementedError("write repetition_penalty here")
