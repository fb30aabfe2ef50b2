import numpy as np


def kmeans(X: np.ndarray, k: int, *, init: np.ndarray, iters: int = 100) -> tuple[np.ndarray, np.ndarray, float]:
    """Lloyd's k-means from `init`: returns (centers (k, d), labels (n,), inertia)."""
    raise NotImplementedError("write kmeans here")
