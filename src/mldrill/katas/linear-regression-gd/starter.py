import numpy as np


class LinearRegressionGD:
    def __init__(self, *, lr: float = 0.1, epochs: int = 1000, fit_intercept: bool = True) -> None:
        self.lr, self.epochs, self.fit_intercept = lr, epochs, fit_intercept

    def fit(self, X: np.ndarray, y: np.ndarray) -> "LinearRegressionGD":
        """Gradient descent on 1/(2n) ||Xw + b - y||^2 from zeros; sets coef_ (d,) and intercept_; returns self."""
        raise NotImplementedError("write fit here")

    def predict(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError("write predict here")
