"""Linear regression family vs numpy.linalg.lstsq and scikit-learn (same objective, converged solvers)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import linear_model

from mldrill.ref.classical.linear import (
    Lasso,
    LinearRegression,
    LinearRegressionGD,
    Ridge,
    durbin_watson,
    ols,
    ridge,
    vif,
)


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


def test_vif_equals_one_over_one_minus_r2():
    from sklearn.metrics import r2_score

    rng = np.random.default_rng(8)
    a = rng.normal(size=200)
    X = np.column_stack([a, 0.9 * a + 0.3 * rng.normal(size=200), rng.normal(size=200)])
    v = vif(X)
    for j in range(3):
        others = np.delete(X, j, axis=1)
        r2 = r2_score(X[:, j], linear_model.LinearRegression().fit(others, X[:, j]).predict(others))
        assert_allclose(v[j], 1 / (1 - r2), rtol=1e-9)
    assert v[0] > 5 and v[2] < 1.1
    # Two columns with sample correlation r: VIF = 1 / (1 - r^2).
    r = np.corrcoef(X[:, 0], X[:, 2])[0, 1]
    assert_allclose(vif(X[:, [0, 2]]), 1 / (1 - r**2), rtol=1e-9)


def test_durbin_watson_near_2_for_white_noise_and_low_for_ar1():
    rng = np.random.default_rng(9)
    e = rng.normal(size=5000)
    assert abs(durbin_watson(e) - 2.0) < 0.15  # sd ~ 2/sqrt(n) = 0.03: a 5-sigma band
    ar = np.zeros(5000)
    for t in range(1, 5000):
        ar[t] = 0.8 * ar[t - 1] + e[t]
    assert abs(durbin_watson(ar) - 2 * (1 - 0.8)) < 0.1
    x = np.array([1.0, -2.0, 0.5])
    assert_allclose(durbin_watson(x), ((-3.0) ** 2 + 2.5**2) / (1 + 4 + 0.25), rtol=1e-15)


def test_gradient_descent_needs_scaled_features():
    """Trap: with one feature 100x larger the stable learning rate is tiny and the small feature barely moves."""
    rng = np.random.default_rng(10)
    X = rng.normal(size=(200, 2)) * [1.0, 100.0]
    y = X @ np.array([2.0, 0.03]) + 0.1 * rng.normal(size=200)
    target = LinearRegression().fit(X, y).coef_
    lam_max = np.linalg.eigvalsh(np.cov(X.T, bias=True)).max()
    raw = LinearRegressionGD(lr=1.0 / lam_max, epochs=300).fit(X, y)
    Xs = (X - X.mean(0)) / X.std(0)
    scaled = LinearRegressionGD(lr=0.5, epochs=300).fit(Xs, y)
    assert abs(raw.coef_[0] - target[0]) > 0.5  # far from converged on the small-scale feature
    assert_allclose(scaled.coef_ / X.std(0), target, rtol=1e-6)
