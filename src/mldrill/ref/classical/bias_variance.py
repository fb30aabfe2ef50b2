"""Bias-variance decomposition by Monte Carlo, and the double-descent curve of min-norm least squares.

For a learner trained on random data sets D and a test point x with y = f(x) + e, Var(e) = s^2:
E_D,e[(f_hat_D(x) - y)^2] = (E_D f_hat_D(x) - f(x))^2 + Var_D f_hat_D(x) + s^2 = bias^2 + variance + noise.
`bias_variance_mc` fits polynomials of a given degree to `trials` fresh training sets and estimates each term on a
test grid; the first two terms add up exactly to the Monte Carlo mean squared error against f (an identity of
sample means), and with fresh noisy test targets the total matches up to Monte Carlo error.

Double descent (Belkin et al. 2019; M54): test error is not always U-shaped in capacity. With p random ReLU features
and the minimum-norm least-squares fit, the test error peaks near the interpolation threshold p ~ n (the fit must
pass through every noisy point with a badly conditioned system) and falls again as p grows past n.
Tested in tests/ref/classical/test_classical_bias_variance.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class BiasVariance:
    bias2: float
    variance: float
    noise: float
    mse_vs_f: float  # mean over trials and test points of (f_hat - f)^2 = bias2 + variance exactly
    expected_mse: float  # against fresh noisy targets: ~ bias2 + variance + noise


def bias_variance_mc(
    degree: int,
    *,
    trials: int = 200,
    n_train: int = 20,
    noise: float = 0.3,
    f: Callable[[np.ndarray], np.ndarray] = lambda x: np.sin(2 * np.pi * x),
    n_test: int = 50,
    seed: int | np.random.Generator = 0,
) -> BiasVariance:
    rng = np.random.default_rng(seed)
    x_test = np.linspace(0.05, 0.95, n_test)
    preds = np.empty((trials, n_test))
    for t in range(trials):
        x = rng.uniform(0, 1, n_train)
        y = f(x) + noise * rng.normal(size=n_train)
        V = np.vander(x, degree + 1)  # (n_train, degree + 1)
        coef = np.linalg.lstsq(V, y, rcond=None)[0]
        preds[t] = np.vander(x_test, degree + 1) @ coef
    ft = f(x_test)
    mean_pred = preds.mean(0)  # (n_test,)
    bias2 = float(((mean_pred - ft) ** 2).mean())
    variance = float(preds.var(0).mean())  # population variance over trials (1/T)
    y_new = ft + noise * rng.normal(size=preds.shape)  # a fresh noisy target per trial and point
    return BiasVariance(
        bias2, variance, noise**2, float(((preds - ft) ** 2).mean()), float(((preds - y_new) ** 2).mean())
    )


def double_descent(
    n_features: list[int],
    *,
    n_train: int = 40,
    n_test: int = 500,
    d: int = 5,
    noise: float = 0.5,
    trials: int = 20,
    seed: int = 0,
) -> np.ndarray:
    """Mean test MSE of min-norm least squares on p random ReLU features, for each p in n_features."""
    rng = np.random.default_rng(seed)
    errors = np.zeros(len(n_features))
    for _ in range(trials):
        w_true = rng.normal(size=d) / np.sqrt(d)
        X, Xt = rng.normal(size=(n_train, d)), rng.normal(size=(n_test, d))
        y = X @ w_true + noise * rng.normal(size=n_train)
        yt = Xt @ w_true
        W = rng.normal(size=(d, max(n_features))) / np.sqrt(d)
        for i, p in enumerate(n_features):
            phi, phit = np.maximum(X @ W[:, :p], 0), np.maximum(Xt @ W[:, :p], 0)  # (n, p)
            beta = np.linalg.pinv(phi) @ y  # minimum-norm solution when p > n
            errors[i] += float(((phit @ beta - yt) ** 2).mean()) / trials
    return errors
