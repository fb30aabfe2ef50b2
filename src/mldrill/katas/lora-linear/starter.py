import torch


def batched_lora(
    x: torch.Tensor,
    weight: torch.Tensor,
    A: torch.Tensor,
    B: torch.Tensor,
    adapter_idx: torch.Tensor,
    *,
    scaling: float,
) -> torch.Tensor:
    """y_n = W x_n + scaling * B[a_n] A[a_n] x_n with a_n = adapter_idx[n]; x (N, d_in) -> (N, d_out)."""
    raise NotImplementedError("write batched_lora here")
