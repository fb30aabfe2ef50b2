def optimizer_bytes(n_params: int | float, scheme: str = "adam-mixed") -> float:
    """Bytes of weights, gradients and optimizer state for n_params parameters under `scheme`."""
    raise NotImplementedError("write optimizer_bytes here")
