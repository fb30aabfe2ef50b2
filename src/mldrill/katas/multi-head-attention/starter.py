import torch
from torch import nn


class MultiHeadAttention(nn.Module):
    def __init__(self, n_embd: int, n_head: int) -> None:
        super().__init__()
        # create self.q_proj, self.k_proj, self.v_proj, self.o_proj: nn.Linear(n_embd, n_embd, bias=False)
        raise NotImplementedError("write the constructor here")

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, T, C), mask (T, T) with True = blocked -> (B, T, C)."""
        raise NotImplementedError("write forward here")
