"""Linear regression: OLS by least squares, gradient descent, ridge in closed form, lasso by coordinate descent.

OLS:    w = argmin ||y - Xw||^2 = (X^T X)^{-1} X^T y, solved with lstsq (QR/SVD), never an explicit inverse.
Ridge:  w = (X^T X + lam I)^{-1} X^T y; the MAP estimate under y ~ N(Xw, s^2), w ~ N(0, t^2 I) with lam = s^2/t^2.
Lasso:  w = argmin 1/(2n) ||y - Xw||^2 + alpha ||w||_1 (scikit-learn's scaling), by cyclic coordinate descent with
        soft-thresholding: w_j = S(x_j^T r_j / n, alpha) / (x_j^T x_j / n), r_j the residual without feature j.

Traps: the intercept is never penalized, so it is fitted by centering X and y first (the fit passes through
(x_bar, y_bar)); collinear columns make X^T X singular (lstsq still returns the minimum-norm solution); gradient
descent needs scaled features and a small enough learning rate (lr > 2 / lambda_max(X^T X / n) diverges).
Differences from scikit-learn: Ridge(alpha) here equals sklearn's Ridge(alpha) (sum of squares, not mean);
Lasso uses sklearn's 1/(2n) scaling. Tested in tests/ref/classical/test_classical_linear.py.
"""

from __future__ import annotations

import numpy as np


def ols(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares weights without intercept, via lstsq (minimum-norm when X^T X is singular)."""
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    return w


def ridge(X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Closed-form ridge without intercept: solve (X^T X + lam I) w = X^T y (a solve, not an inverse)."""
    d = X.shape[1]
    return np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y)


def _center(X: np.ndarray, y: np.ndarray, fit_intercept: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = X.mean(axis=0), float(y.mean())
    return X - x_mean, y - y_mean, x_mean, y_mean


def _check_Xy(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"expected X of shape (n, d) and y of shape (n,), got {X.shape} and {y.shape}")
    return X, y


class _LinearModel:
    coef_: np.ndarray
    intercept_: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=np.float64) @ self.coef_ + self.intercept_


class LinearRegression(_LinearModel):
    """Ordinary least squares; the intercept comes from centering, the weights from lstsq."""

    def __init__(self, *, fit_intercept: bool = True) -> None:
        self.fit_intercept = fit_intercept

    def fit(self, X: np.ndarray, y: np.ndarray) -> LinearRegression:
        X, y = _check_Xy(X, y)
        Xc, yc, x_mean, y_mean = _center(X, y, self.fit_intercept)
        self.coef_ = ols(Xc, yc)
        self.intercept_ = y_mean - float(x_mean @ self.coef_)
        return self


class LinearRegressionGD(_LinearModel):
    """Batch gradient descent on the mean squared error 1/(2n)||y - Xw - b||^2; records `loss_curve_`."""

    def __init__(self, *, lr: float = 0.1, epochs: int = 1000, fit_intercept: bool = True) -> None:
        self.lr, self.epochs, self.fit_intercept = lr, epochs, fit_intercept

    def fit(self, X: np.ndarray, y: np.ndarray) -> LinearRegressionGD:
        X, y = _check_Xy(X, y)
        n, d = X.shape
        w, b = np.zeros(d), 0.0
        self.loss_curve_: list[float] = []
        for _ in range(self.epochs):
            r = X @ w + b - y  # (n,)
            self.loss_curve_.append(float(r @ r) / (2 * n))
            w = w - self.lr * (X.T @ r) / n
            if self.fit_intercept:
                b = b - self.lr * float(r.mean())
        self.coef_, self.intercept_ = w, b
        return self


class Ridge(_LinearModel):
    """Ridge regression, sklearn's objective ||y - Xw - b||^2 + alpha ||w||^2; b is not penalized."""

    def __init__(self, *, alpha: float = 1.0, fit_intercept: bool = True) -> None:
        self.alpha, self.fit_intercept = alpha, fit_intercept

    def fit(self, X: np.ndarray, y: np.ndarray) -> Ridge:
        X, y = _check_Xy(X, y)
        Xc, yc, x_mean, y_mean = _center(X, y, self.fit_intercept)
        self.coef_ = ridge(Xc, yc, self.alpha)
        self.intercept_ = y_mean - float(x_mean @ self.coef_)
        return self


def soft_threshold(z: float, t: float) -> float:
    """S(z, t) = sign(z) max(|z| - t, 0): the proximal operator of t|.|."""
    return float(np.sign(z) * max(abs(z) - t, 0.0))


class Lasso(_LinearModel):
    """Lasso by cyclic coordinate descent on 1/(2n)||y - Xw - b||^2 + alpha ||w||_1 (sklearn's objective).

    Stops when the largest coordinate change in a sweep is below tol * max|w| (or after max_iter sweeps).
    """

    def __init__(self, *, alpha: float = 1.0, fit_intercept: bool = True, max_iter: int = 1000, tol: float = 1e-4):
        self.alpha, self.fit_intercept, self.max_iter, self.tol = alpha, fit_intercept, max_iter, tol

    def fit(self, X: np.ndarray, y: np.ndarray) -> Lasso:
        X, y = _check_Xy(X, y)
        Xc, yc, x_mean, y_mean = _center(X, y, self.fit_intercept)
        n, d = Xc.shape
        w = np.zeros(d)
        col_sq = (Xc**2).sum(axis=0) / n  # (d,)
        r = yc.copy()  # residual y - Xw, kept up to date
        self.n_iter_ = self.max_iter
        for sweep in range(self.max_iter):
            max_step = 0.0
            for j in range(d):
                if col_sq[j] == 0.0:
                    continue
                rho = float(Xc[:, j] @ r) / n + col_sq[j] * w[j]  # x_j^T r_j / n, r_j excludes feature j
                w_new = soft_threshold(rho, self.alpha) / col_sq[j]
                if w_new != w[j]:
                    r -= Xc[:, j] * (w_new - w[j])
                    max_step = max(max_step, abs(w_new - w[j]))
                    w[j] = w_new
            if max_step <= self.tol * max(float(np.abs(w).max()), 1e-300):
                self.n_iter_ = sweep + 1
                break
        self.coef_ = w
        self.intercept_ = y_mean - float(x_mean @ w)
        return self


def vif(X: np.ndarray) -> np.ndarray:
    """Variance inflation factor of each column: 1 / (1 - R^2_j), R^2_j from regressing column j on the others
    *with an intercept* (added here; statsmodels' variance_inflation_factor expects you to add the constant column
    yourself, and gives wrong values without it). VIF > 5-10 flags collinearity."""
    X = np.asarray(X, dtype=np.float64)
    out = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        others = np.delete(X, j, axis=1)
        model = LinearRegression().fit(others, X[:, j])
        resid = X[:, j] - model.predict(others)
        r2 = 1.0 - (resid @ resid) / ((X[:, j] - X[:, j].mean()) ** 2).sum()
        out[j] = np.inf if r2 >= 1.0 else 1.0 / (1.0 - r2)
    return out


def durbin_watson(resid: np.ndarray) -> float:
    """sum (e_t - e_{t-1})^2 / sum e_t^2: ~2 without autocorrelation, ~2(1 - rho) for AR(1) residuals."""
    e = np.asarray(resid, dtype=np.float64)
    return float((np.diff(e) ** 2).sum() / (e @ e))
