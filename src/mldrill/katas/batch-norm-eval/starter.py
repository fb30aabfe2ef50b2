import torch
from torch import nn


class BatchNorm1d(nn.Module):
    """BatchNorm over the batch of (N, C) inputs: batch statistics in training, running statistics in eval."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        raise NotImplementedError("write BatchNorm1d.__init__ here")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("write BatchNorm1d.forward here")
