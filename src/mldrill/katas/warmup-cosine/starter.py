def cosine_with_warmup(step: int, *, peak: float, warmup: int, total: int, min_lr: float = 0.0) -> float:
    """Linear warmup from 0 to peak over `warmup` steps, then half a cosine down to min_lr at `total`, held after."""
    raise NotImplementedError("write cosine_with_warmup here")
