import numpy as np


def hybrid_scores(bm25: np.ndarray, dense: np.ndarray, *, alpha: float = 0.5, norm: str = "minmax") -> np.ndarray:
    """alpha * f(bm25) + (1 - alpha) * f(dense), f = min-max or z-score; constant vectors normalize to zeros."""
    raise NotImplementedError("write hybrid_scores here")
