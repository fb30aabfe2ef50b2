import torch


def quantize_kv_int8(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """x (B, n_kv, T, hs) -> (int8 codes, scales (B, n_kv, 1, 1)) with s = max|x| / 127 per (batch, head)."""
    raise NotImplementedError("write quantize_kv_int8 here")
