import numpy as np


def kmeans_plusplus(
    X: np.ndarray, n_clusters: int, *, random_state: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """k-means++ seeding: first centre uniform, then D(x)^2 sampling. Returns (centers (k, d), indices (k,))."""
    raise NotImplementedError("write kmeans_plusplus here")
