import torch
from torch import nn


class LoRALinear(nn.Module):
    """A frozen linear layer (weight, bias) plus a trainable low-rank update (alpha / r) * B A."""

    def __init__(
        self,
        weight: torch.Tensor,
        bias: torch.Tensor,
        *,
        r: int,
        alpha: float,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        raise NotImplementedError("write LoRALinear.__init__ here")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("write LoRALinear.forward here")

    def merge(self) -> None:
        raise NotImplementedError("write LoRALinear.merge here")

    def unmerge(self) -> None:
        raise NotImplementedError("write LoRALinear.unmerge here")
