def kv_cache_bytes(
    n_layer: int, n_kv_head: int, head_dim: int, seq_len: int, bytes_per_elem: int | float, batch: int = 1
) -> int:
    """Bytes of K and V for every layer, KV head, token and sequence of the batch."""
    raise NotImplementedError("write kv_cache_bytes here")
