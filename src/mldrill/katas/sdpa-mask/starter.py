import numpy as np


def sdpa(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None, *, scale: float | None = None
) -> np.ndarray:
    """softmax(q k^T * scale, blocked = -inf) v; mask True = blocked; fully blocked rows give zeros."""
    raise NotImplementedError("write sdpa here")
