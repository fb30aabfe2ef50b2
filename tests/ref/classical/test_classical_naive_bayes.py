"""Naive Bayes vs sklearn.naive_bayes, smoothing traps, and the base-rate example."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.naive_bayes import GaussianNB as SkGNB
from sklearn.naive_bayes import MultinomialNB as SkMNB

from mldrill.ref.classical.naive_bayes import GaussianNB, MultinomialNB, posterior


def test_base_rate_example_is_0161():
    p = posterior(0.01, 0.95, 0.05)
    assert_allclose(p, 0.95 * 0.01 / (0.95 * 0.01 + 0.05 * 0.99), rtol=1e-15)
    assert round(p, 3) == 0.161


def test_gaussian_nb_matches_sklearn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 90)
    X = rng.normal(size=(90, 4)) + y[:, None] * [1.0, -0.5, 0.2, 0.0]
    ours, sk = GaussianNB().fit(X, y), SkGNB().fit(X, y)
    assert_allclose(ours.theta_, sk.theta_, rtol=1e-12)
    assert_allclose(ours.var_, sk.var_, rtol=1e-12)
    Xq = rng.normal(size=(20, 4)) * 3
    assert_allclose(ours.predict_log_proba(Xq), sk.predict_log_proba(Xq), rtol=1e-9, atol=1e-12)
    assert_array_equal(ours.predict(Xq), sk.predict(Xq))


@pytest.mark.parametrize("alpha", [1.0, 0.1, 2.5])
@pytest.mark.parametrize("fit_prior", [True, False])
def test_multinomial_nb_matches_sklearn(alpha, fit_prior):
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 60)
    X = rng.poisson(lam=1.0 + y[:, None] * np.linspace(0, 2, 8), size=(60, 8))
    ours, sk = (
        MultinomialNB(alpha=alpha, fit_prior=fit_prior).fit(X, y),
        SkMNB(alpha=alpha, fit_prior=fit_prior).fit(X, y),
    )
    assert_allclose(ours.feature_log_prob_, sk.feature_log_prob_, rtol=1e-12)
    assert_allclose(ours.class_log_prior_, sk.class_log_prior_, rtol=1e-12)
    Xq = rng.poisson(2.0, size=(15, 8))
    assert_allclose(ours.predict_proba(Xq), sk.predict_proba(Xq), rtol=1e-9, atol=1e-14)


def test_unseen_word_zeroes_the_class_without_smoothing():
    X = np.array([[3, 0, 1], [2, 0, 2], [0, 3, 1], [1, 2, 0]])
    y = np.array([0, 0, 1, 1])  # word 1 never occurs in class 0
    doc = np.array([[20, 1, 5]])  # overwhelmingly class-0 words, plus one occurrence of word 1
    raw = MultinomialNB(alpha=0.0).fit(X, y)
    assert raw.predict_proba(doc)[0, 0] == 0.0  # one unseen word vetoes class 0
    smooth = MultinomialNB(alpha=1.0).fit(X, y)
    assert smooth.predict_proba(doc)[0, 0] > 0.99


def test_log_space_avoids_underflow():
    rng = np.random.default_rng(2)
    y = np.repeat([0, 1], 20)
    X = rng.normal(size=(40, 1000)) + y[:, None] * 0.3  # 1000 features: the raw likelihood product underflows
    m = GaussianNB().fit(X, y)
    raw = np.prod(np.exp(-0.5 * (X[:1] - m.theta_[0]) ** 2 / m.var_[0]) / np.sqrt(2 * np.pi * m.var_[0]))
    assert raw == 0.0
    assert np.isfinite(m.predict_log_proba(X[:1])).all()
