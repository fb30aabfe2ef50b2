import numpy as np


class LogisticRegression:
    def __init__(self, *, C: float = 1.0, fit_intercept: bool = True) -> None:
        self.C, self.fit_intercept = C, fit_intercept

    def fit(self, X: np.ndarray, y: np.ndarray) -> "LogisticRegression":
        """Minimize C * sum(log-loss) + ||w||^2 / 2; set classes_, coef_ (1, d), intercept_ (1,); return self."""
        raise NotImplementedError("write fit here")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError("write predict_proba here")

    def predict(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError("write predict here")
