import torch


def prefix_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, pk: torch.Tensor, pv: torch.Tensor, *, causal: bool = True
) -> torch.Tensor:
    """Attention over [prefix; keys]: every query sees the whole prefix; causal among the real tokens."""
    raise NotImplementedError("write prefix_attention here")
