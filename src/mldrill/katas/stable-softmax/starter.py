import numpy as np


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax of `x` along `axis`; finite for any finite input."""
    raise NotImplementedError("write softmax here")
