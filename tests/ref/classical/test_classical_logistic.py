"""Logistic regression vs scikit-learn (newton-cholesky at tol=1e-12), plus the M52 separable-data trap."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, log_expit
from sklearn.linear_model import LogisticRegression as SkLR

from mldrill.ref.classical.logistic import LogisticRegression, LogisticRegressionGD, log_sigmoid, sigmoid


def _blobs(n=90, d=3, k=2, seed=0, sep=1.0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    X = rng.normal(size=(n, d)) + sep * rng.normal(size=(k, d))[y]
    return X, y


def test_sigmoid_and_log_sigmoid_are_stable_at_extremes():
    z = np.array([-1000.0, -800.0, -30.0, 0.0, 30.0, 800.0, 1000.0])
    assert_allclose(sigmoid(z), expit(z), rtol=1e-12)
    assert_allclose(log_sigmoid(z), log_expit(z), rtol=1e-12)
    assert np.isfinite(log_sigmoid(z)).all()


@pytest.mark.parametrize("C", [0.1, 1.0, 10.0])
def test_binary_l2_matches_sklearn(C):
    X, y = _blobs(seed=1)
    ours = LogisticRegression(C=C).fit(X, y)
    sk = SkLR(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    assert_allclose(ours.coef_, sk.coef_, rtol=1e-7)
    assert_allclose(ours.intercept_, sk.intercept_, rtol=1e-7)
    assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-7)


@pytest.mark.parametrize("C", [0.5, 5.0])
def test_softmax_l2_matches_sklearn(C):
    X, y = _blobs(n=120, k=3, seed=2)
    ours = LogisticRegression(C=C).fit(X, y)
    sk = SkLR(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-7, atol=1e-12)
    assert_allclose(ours.coef_, sk.coef_, rtol=1e-6, atol=1e-9)
    assert_allclose(ours.intercept_, sk.intercept_ - sk.intercept_.mean(), rtol=1e-6, atol=1e-9)


def test_gradient_descent_reaches_the_newton_optimum():
    X, y = _blobs(seed=3)
    newton = LogisticRegression(C=1.0).fit(X, y)
    gd = LogisticRegressionGD(penalty="l2", C=1.0, lr=0.5, max_iter=20_000, tol=1e-13).fit(X, y)
    assert_allclose(gd.coef_, newton.coef_, rtol=1e-7)


def test_unregularized_matches_sklearn_penalty_none():
    X, y = _blobs(seed=4, sep=0.3)
    ours = LogisticRegression(penalty=None).fit(X, y)
    sk = SkLR(C=np.inf, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    assert_allclose(ours.coef_, sk.coef_, rtol=1e-7)


def test_m52_weights_diverge_on_separable_data_without_regularization():
    """M52: on separable data there is no minimizer; ||w|| keeps growing with more iterations."""
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    norms = [np.linalg.norm(LogisticRegressionGD(lr=1.0, max_iter=it).fit(X, y).coef_) for it in (100, 1000, 10000)]
    assert norms[0] < norms[1] < norms[2] and norms[2] > 4.0
    reg = [np.linalg.norm(LogisticRegression(C=1.0, max_iter=it).fit(X, y).coef_) for it in (50, 100)]
    assert_allclose(reg[0], reg[1], rtol=1e-12)  # with L2 the optimum exists and is finite


def test_string_labels_round_trip():
    X, y = _blobs(seed=5)
    labels = np.array(["neg", "pos"])[y]
    m = LogisticRegression().fit(X, labels)
    assert set(m.predict(X)) <= {"neg", "pos"}
    assert (m.predict(X) == labels).mean() > 0.7
