import numpy as np


def lloyd_step(X: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One assign + update step; an empty cluster keeps its old centre. Returns (new_centers, labels)."""
    raise NotImplementedError("write lloyd_step here")
