import numpy as np


class MultinomialNB:
    def __init__(self, *, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, X: np.ndarray, y: np.ndarray) -> "MultinomialNB":
        raise NotImplementedError("write fit here")

    def predict_log_proba(self, X: np.ndarray) -> np.ndarray:
        """(n, C) log posteriors, columns in sorted label order."""
        raise NotImplementedError("write predict_log_proba here")

    def predict(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError("write predict here")
