import numpy as np


def zoh(A: np.ndarray, B: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """(A_bar, B_bar) of the zero-order-hold discretization of (A (N, N), B (N, M)) with step dt."""
    raise NotImplementedError("write zoh here")
