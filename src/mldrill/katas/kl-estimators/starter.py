import torch


def kl_k1_k3(logp: torch.Tensor, logp_ref: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token estimators of KL(pi || ref) from tokens sampled from pi: k1 = -log r, k3 = r - 1 - log r."""
    raise NotImplementedError("write kl_k1_k3 here")
