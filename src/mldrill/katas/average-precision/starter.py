import numpy as np


def average_precision_score(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Step-wise AP = sum over thresholds of (R_k - R_{k-1}) P_k, tied scores as one threshold."""
    raise NotImplementedError("write average_precision_score here")
