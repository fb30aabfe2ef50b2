import torch


class KVCache:
    def __init__(self, *, n_layer: int, batch_size: int, n_kv_head: int, head_dim: int, max_len: int) -> None:
        self.length = 0
        raise NotImplementedError("allocate the per-layer K and V buffers here")

    def update(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store the new k, v (B, nkv, T_new, hs) after the cached tokens; return all K, V so far."""
        raise NotImplementedError("write update here")

    def advance(self, T: int) -> None:
        raise NotImplementedError("write advance here")
