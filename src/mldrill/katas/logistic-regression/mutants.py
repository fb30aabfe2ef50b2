"""Classic wrong logistic regressions, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def _sigmoid(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out

class LogisticRegression:
    def __init__(self, *, C=1.0, fit_intercept=True):
        self.C, self.fit_intercept = C, fit_intercept

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self.classes_ = np.unique(y)
        t = (np.asarray(y) == self.classes_[1]).astype(float)
        A = np.hstack([X, np.ones((len(X), 1))]) if self.fit_intercept else X
        penalty = np.ones(A.shape[1])
        if self.fit_intercept:
            penalty[-1] = 0.0  # the intercept is not penalized
        theta = np.zeros(A.shape[1])
        for _ in range(100):
            p = _sigmoid(A @ theta)
            grad = self.C * A.T @ (p - t) + penalty * theta
            hess = self.C * (A.T * (p * (1 - p))) @ A + np.diag(penalty)
            step = np.linalg.solve(hess, grad)
            theta -= step
            if np.abs(step).max() < 1e-13:
                break
        self.coef_ = theta[None, : X.shape[1]]
        self.intercept_ = np.array([theta[-1] if self.fit_intercept else 0.0])
        return self

    def predict_proba(self, X):
        p = _sigmoid(np.asarray(X, dtype=float) @ self.coef_[0] + self.intercept_[0])
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]
"""

GENERIC = "matches sklearn's LogisticRegression (C = 1)"
C_CHECK = "C scales the data term, not the penalty"
INTERCEPT = "the intercept is not penalized"
NO_INTERCEPT = "no intercept when fit_intercept=False"
LABELS = "predict returns the original labels"
HUGE = "predict_proba stays finite at |z| in the thousands"

MUTANTS = [
    mutant(
        "intercept penalized",
        "penalty[-1] = 0.0",
        "penalty[-1] = 1.0",
        INTERCEPT,
        GENERIC,  # every fit with an intercept moves a little
        C_CHECK,
        LABELS,
        HUGE,
    ),
    mutant(
        "C as the penalty strength",
        "grad = self.C * A.T @ (p - t) + penalty * theta\n"
        "            hess = self.C * (A.T * (p * (1 - p))) @ A + np.diag(penalty)",
        "grad = A.T @ (p - t) + self.C * penalty * theta\n"
        "            hess = (A.T * (p * (1 - p))) @ A + self.C * np.diag(penalty)",
        C_CHECK,
        INTERCEPT,  # C = 0.1 there
        HUGE,  # C = 10 there
    ),
    mutant(
        "sigmoid as exp(z) / (1 + exp(z))",
        "out = np.empty_like(z)",
        "return np.exp(z) / (1 + np.exp(z))",
        HUGE,
    ),
    mutant(
        "predict returns 0/1",
        "return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]",
        "return (self.predict_proba(X)[:, 1] > 0.5).astype(int)",
        LABELS,
    ),
    mutant(
        "fit_intercept ignored in fit",
        "if self.fit_intercept else X",
        "if True else X",
        NO_INTERCEPT,
    ),
]
