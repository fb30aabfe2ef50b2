import numpy as np


class KNNClassifier:
    def __init__(self, *, n_neighbors: int = 5) -> None:
        self.n_neighbors = n_neighbors

    def fit(self, X: np.ndarray, y: np.ndarray) -> "KNNClassifier":
        raise NotImplementedError("write fit here")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """(n, C) vote fractions of the k nearest training points, columns in sorted label order."""
        raise NotImplementedError("write predict_proba here")

    def predict(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError("write predict here")
