"""Classic wrong gradient-descent linear regressions, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

class LinearRegressionGD:
    def __init__(self, *, lr=0.1, epochs=1000, fit_intercept=True):
        self.lr, self.epochs, self.fit_intercept = lr, epochs, fit_intercept

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        n = len(y)
        w, b = np.zeros(X.shape[1]), 0.0
        for _ in range(self.epochs):
            r = X @ w + b - y
            w = w - self.lr * X.T @ r / n
            if self.fit_intercept:
                b = b - self.lr * r.mean()
        self.coef_, self.intercept_ = w, float(b)
        return self

    def predict(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_
"""

GENERIC = "converges to the least-squares solution"
TRAJECTORY = "follows the exact gradient-descent trajectory"
MEAN = "the gradient is a mean, not a sum"
NO_INTERCEPT = "no intercept when fit_intercept=False"

MUTANTS = [
    mutant(
        "gradient summed over samples",
        "X.T @ r / n",
        "X.T @ r",
        MEAN,
        GENERIC,  # a step n times too large diverges everywhere
        TRAJECTORY,
        NO_INTERCEPT,
    ),
    mutant(
        "intercept updated from a fresh residual",
        "b = b - self.lr * r.mean()",
        "b = b - self.lr * (X @ w + b - y).mean()",
        TRAJECTORY,
        MEAN,  # also compares a 5-step trajectory
    ),
    mutant(
        "residual y - Xw with the same update",
        "r = X @ w + b - y",
        "r = y - X @ w - b",
        GENERIC,  # gradient ascent: every check moves away from the solution
        TRAJECTORY,
        MEAN,
        NO_INTERCEPT,
    ),
    mutant("fit_intercept ignored", "if self.fit_intercept:", "if True:", NO_INTERCEPT),
    mutant(
        "one epoch short",
        "range(self.epochs)",
        "range(self.epochs - 1)",
        TRAJECTORY,
        MEAN,  # also compares a 5-step trajectory
    ),
]
