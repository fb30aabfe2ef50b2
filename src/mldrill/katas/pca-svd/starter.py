import numpy as np


class PCA:
    def __init__(self, n_components: int) -> None:
        self.n_components = n_components

    def fit(self, X: np.ndarray) -> "PCA":
        """Set mean_, components_ (k, d), explained_variance_ (k,), explained_variance_ratio_ (k,); return self."""
        raise NotImplementedError("write fit here")

    def transform(self, X: np.ndarray) -> np.ndarray:
        """(m, d) -> (m, k) coordinates on the principal axes."""
        raise NotImplementedError("write transform here")
