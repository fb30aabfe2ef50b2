def gqa_params(d: int, h: int, g: int, *, bias: bool = False) -> int:
    """Parameters of W_Q, W_K, W_V, W_O (and biases) with h query heads and g key/value heads."""
    raise NotImplementedError("write gqa_params here")
