import numpy as np


def ece(probs: np.ndarray, y: np.ndarray, n_bins: int = 15) -> float:
    """Expected calibration error over n_bins equal-width (lo, hi] confidence bins, weighted by bin counts."""
    raise NotImplementedError("write ece here")
