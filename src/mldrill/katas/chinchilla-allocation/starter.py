def chinchilla_allocation(compute: float, *, tokens_per_param: float = 20.0) -> tuple[float, float]:
    """(N, D): parameters and tokens that spend `compute` FLOPs (C = 6 N D) at D = tokens_per_param * N."""
    raise NotImplementedError("write chinchilla_allocation here")
