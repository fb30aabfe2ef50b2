"""Linear regression family vs numpy.linalg.lstsq and scikit-learn (same objective, converged solvers)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import linear_model

from mldrill.ref.classical.linear import Lasso, LinearRegression, LinearRegressionGD, Ridge, ols, ridge


def _data(n=60, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 1.5 + 0.3 * rng.normal(size=n)
    return X, y


def test_ols_equals_lstsq_and_sklearn():
    X, y = _data()
    assert_allclose(ols(X, y), np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)
    ours = LinearRegression().fit(X, y)
    sk = linear_model.LinearRegression().fit(X, y)
    assert_allclose(ours.coef_, sk.coef_, rtol=1e-9)
    assert_allclose(ours.intercept_, sk.intercept_, rtol=1e-9)


def test_ols_fit_passes_through_the_means():
    X, y = _data(seed=1)
    m = LinearRegression().fit(X, y)
    assert_allclose(m.predict(X.mean(axis=0, keepdims=True))[0], y.mean(), rtol=1e-10)


def test_ols_collinear_columns_give_the_minimum_norm_solution():
    X, y = _data(d=3, seed=2)
    Xc = np.hstack([X, X[:, :1]])  # duplicated column: X^T X singular
    w = ols(Xc, y)
    assert_allclose(w, np.linalg.pinv(Xc) @ y, rtol=1e-8)
    assert_allclose(w[0], w[3], rtol=1e-8)  # min-norm splits the weight evenly


def test_gradient_descent_reaches_the_normal_equation():
    X, y = _data(seed=3)
    m = LinearRegressionGD(lr=0.1, epochs=3000).fit(X, y)
    sk = linear_model.LinearRegression().fit(X, y)
    assert_allclose(m.coef_, sk.coef_, rtol=1e-7)
    assert_allclose(m.intercept_, sk.intercept_, rtol=1e-7)
    assert all(
        a >= b - 1e-13 for a, b in zip(m.loss_curve_, m.loss_curve_[1:], strict=False)
    )  # float noise at the floor


def test_gradient_descent_diverges_when_lr_too_high():
    X, y = _data(seed=4)
    lam_max = np.linalg.eigvalsh(X.T @ X / len(X)).max()
    m = LinearRegressionGD(lr=2.5 / lam_max, epochs=200, fit_intercept=False).fit(X, y)
    assert m.loss_curve_[-1] > 1e6 * m.loss_curve_[0]


@pytest.mark.parametrize("alpha", [0.1, 1.0, 10.0])
def test_ridge_matches_sklearn_and_does_not_penalize_intercept(alpha):
    X, y = _data(seed=5)
    ours, sk = Ridge(alpha=alpha).fit(X, y), linear_model.Ridge(alpha=alpha).fit(X, y)
    assert_allclose(ours.coef_, sk.coef_, rtol=1e-9)
    assert_allclose(ours.intercept_, sk.intercept_, rtol=1e-9)
    sk0 = linear_model.Ridge(alpha=alpha, fit_intercept=False).fit(X, y)
    assert_allclose(ridge(X, y, alpha), sk0.coef_, rtol=1e-9)
    # Shifting y shifts only the intercept (it is not shrunk).
    shifted = Ridge(alpha=alpha).fit(X, y + 100.0)
    assert_allclose(shifted.coef_, ours.coef_, rtol=1e-9)
    assert_allclose(shifted.intercept_, ours.intercept_ + 100.0, rtol=1e-9)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5])
def test_lasso_matches_sklearn_coordinate_descent(alpha):
    X, y = _data(n=80, d=6, seed=6)
    ours = Lasso(alpha=alpha, tol=1e-13, max_iter=100_000).fit(X, y)
    sk = linear_model.Lasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    assert_allclose(ours.coef_, sk.coef_, rtol=1e-7, atol=1e-10)
    assert_allclose(ours.intercept_, sk.intercept_, rtol=1e-7)


def test_lasso_kkt_conditions_hold():
    X, y = _data(n=80, d=6, seed=7)
    alpha = 0.3
    m = Lasso(alpha=alpha, tol=1e-13, max_iter=100_000).fit(X, y)
    Xc, r = X - X.mean(0), (y - y.mean()) - (X - X.mean(0)) @ m.coef_
    g = Xc.T @ r / len(y)
    active = m.coef_ != 0
    assert (~active).any(), "alpha chosen so that some weights are exactly zero"
    assert_allclose(g[active], alpha * np.sign(m.coef_[active]), rtol=1e-8)
    assert np.all(np.abs(g[~active]) <= alpha + 1e-12)
