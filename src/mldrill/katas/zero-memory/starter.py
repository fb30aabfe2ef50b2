def zero_memory(psi: float, n_gpus: int, stage: int, *, K: int = 12) -> float:
    """Bytes of model state (fp16 weights and gradients, K bytes of optimizer state per parameter) on each GPU."""
    raise NotImplementedError("write zero_memory here")
