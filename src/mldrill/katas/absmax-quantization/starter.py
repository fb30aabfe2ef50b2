import torch


def quantize(
    w: torch.Tensor, *, bits: int = 8, axis: int | None = None, group_size: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric absmax quantization -> (int32 codes, scales), per tensor, per channel (axis) or per group."""
    raise NotImplementedError("write quantize here")
