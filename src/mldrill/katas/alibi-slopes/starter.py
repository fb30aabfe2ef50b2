import torch


def alibi_slopes(h: int) -> torch.Tensor:
    """(h,) ALiBi slopes: 2^(-8k/h) for powers of two, interleaved from 2p heads otherwise."""
    raise NotImplementedError("write alibi_slopes here")
