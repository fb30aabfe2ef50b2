"""Logistic regression: binary (sigmoid) and multinomial (softmax), L2 penalty, gradient descent and Newton.

Objective (scikit-learn's): C * sum_i CE(y_i, softmax(W x_i + b)) + 1/2 ||W||^2, the intercept b not penalized;
`penalty=None` drops the second term. Binary gradient: X^T (sigma(Xw + b) - y); multinomial: X^T (P - Y).

Readable path: `solver="gd"`, plain gradient descent on the mean loss. Precise path: `solver="newton"`, Newton's
method with the exact Hessian (sum_i (diag(p_i) - p_i p_i^T) kron x_i x_i^T), which reaches machine precision in a
few steps and is what the tests compare against sklearn (`solver="newton-cholesky"`, tol=1e-12).

Traps (M52): unregularized logistic regression on separable data has no minimizer: ||w|| grows without bound as
the loss creeps to 0; regularize or stop early. log sigma(z) must be computed stably: log sigma(z) = -log1p(e^-z)
for z >= 0 and z - log1p(e^z) for z < 0 (never log(1/(1+exp(-z))), which gives -inf at z = -800).
Multinomial with an unpenalized intercept is identifiable only up to a constant shift of b: we report b centered
to mean 0, as sklearn does. Tested in tests/ref/classical/test_classical_logistic.py.
"""

from __future__ import annotations

from typing import Literal

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Stable logistic function: never exponentiates a positive number."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_sigmoid(z: np.ndarray) -> np.ndarray:
    """log sigma(z) = min(z, 0) - log1p(exp(-|z|)), finite for every finite z."""
    z = np.asarray(z, dtype=np.float64)
    return np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))


def log_softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(axis=1, keepdims=True)
    return Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))


def binary_log_loss(z: np.ndarray, y: np.ndarray) -> float:
    """Mean binary cross-entropy from logits: -[y log sigma(z) + (1-y) log sigma(-z)]."""
    return float(-(y * log_sigmoid(z) + (1 - y) * log_sigmoid(-z)).mean())


class LogisticRegression:
    """Binary or multinomial logistic regression with sklearn's C-scaled L2 objective.

    Binary problems (two classes) use one weight vector (`coef_` of shape (1, d)), as sklearn does; three or more
    classes use softmax with `coef_` of shape (K, d).
    """

    def __init__(
        self,
        *,
        penalty: Literal["l2"] | None = "l2",
        C: float = 1.0,
        fit_intercept: bool = True,
        solver: Literal["newton", "gd"] = "newton",
        lr: float = 0.1,
        max_iter: int = 100,
        tol: float = 1e-10,
    ) -> None:
        self.penalty, self.C, self.fit_intercept = penalty, C, fit_intercept
        self.solver, self.lr, self.max_iter, self.tol = solver, lr, max_iter, tol

    # --- objective pieces on the stacked parameter matrix Theta (K, d+1), last column = intercept -------------
    def _design(self, X: np.ndarray) -> np.ndarray:
        ones = np.ones((X.shape[0], 1)) if self.fit_intercept else np.zeros((X.shape[0], 0))
        return np.hstack([X, ones])  # (n, d+1) or (n, d)

    def _penalty_mask(self, d_aug: int) -> np.ndarray:
        mask = np.ones(d_aug)
        if self.fit_intercept:
            mask[-1] = 0.0  # the intercept is not penalized
        return mask * (0.0 if self.penalty is None else 1.0)

    def _probs(self, Xa: np.ndarray, theta: np.ndarray) -> np.ndarray:
        Z = Xa @ theta.T  # (n, K)
        if self.binary_:
            return sigmoid(Z[:, 0])[:, None]  # (n, 1)
        return np.exp(log_softmax(Z))  # (n, K)

    def _grad(self, Xa: np.ndarray, Y: np.ndarray, theta: np.ndarray, scale: float) -> np.ndarray:
        P = self._probs(Xa, theta)
        return scale * (P - Y).T @ Xa + theta * self._penalty_mask(Xa.shape[1])  # (K, d+1)

    def _hessian(self, Xa: np.ndarray, theta: np.ndarray, scale: float) -> np.ndarray:
        P = self._probs(Xa, theta)  # (n, K)
        _n, m = Xa.shape
        K = P.shape[1]
        # (n, 1, 1) for binary; (n, K, K) = diag(p) - p p^T for softmax
        S = (P * (1 - P))[:, :, None] if self.binary_ else P[:, :, None] * (np.eye(K)[None] - P[:, None, :])
        H = scale * np.einsum("nab,ni,nj->aibj", S, Xa, Xa).reshape(K * m, K * m)
        return H + np.diag(np.tile(self._penalty_mask(m), K))

    def fit(self, X: np.ndarray, y: np.ndarray) -> LogisticRegression:
        X = np.asarray(X, dtype=np.float64)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("LogisticRegression needs at least two classes in y")
        self.binary_ = len(self.classes_) == 2
        Y = y_idx[:, None].astype(np.float64) if self.binary_ else np.eye(len(self.classes_))[y_idx]  # (n, K)
        Xa = self._design(X)
        K = 1 if self.binary_ else len(self.classes_)
        theta = np.zeros((K, Xa.shape[1]))
        self.n_iter_ = self.max_iter
        if self.solver == "gd":
            # Mean loss (C scaled by 1/n) so the learning rate does not depend on n.
            n = X.shape[0]
            for it in range(self.max_iter):
                g = self._grad(Xa, Y, theta, self.C) / (self.C * n)
                theta -= self.lr * g
                if np.abs(g).max() < self.tol:
                    self.n_iter_ = it + 1
                    break
        else:
            for it in range(self.max_iter):
                g = self._grad(Xa, Y, theta, self.C).ravel()
                H = self._hessian(Xa, theta, self.C)
                step = np.linalg.lstsq(H, g, rcond=None)[0]  # lstsq: H is singular along the softmax shift
                theta -= step.reshape(theta.shape)
                if np.abs(step).max() < self.tol:
                    self.n_iter_ = it + 1
                    break
        if self.fit_intercept:
            self.coef_, b = theta[:, :-1], theta[:, -1]
            self.intercept_ = b if self.binary_ else b - b.mean()
        else:
            self.coef_, self.intercept_ = theta, np.zeros(K)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        Z = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_  # (n, K)
        return Z[:, 0] if self.binary_ else Z

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        Z = self.decision_function(X)
        if self.binary_:
            p1 = sigmoid(Z)
            return np.stack([1 - p1, p1], axis=1)  # (n, 2)
        return np.exp(log_softmax(Z))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def LogisticRegressionGD(
    *, lr: float = 0.1, max_iter: int = 1000, penalty: Literal["l2"] | None = None, C: float = 1.0, tol: float = 0.0
) -> LogisticRegression:
    """The syllabus's gradient-descent variant: `LogisticRegression(solver="gd")` with no penalty by default."""
    return LogisticRegression(penalty=penalty, C=C, solver="gd", lr=lr, max_iter=max_iter, tol=tol)
