import torch


def sequence_logprobs(logits: torch.Tensor, labels: torch.Tensor, *, ignore_index: int = -100) -> torch.Tensor:
    """(B,) summed log-probs of labels[:, 1:] under logits[:, :-1], skipping labels equal to ignore_index."""
    raise NotImplementedError("write sequence_logprobs here")
