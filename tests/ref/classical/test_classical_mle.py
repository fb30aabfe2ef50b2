"""MLE/MAP closed forms vs scipy.stats fits and numerical maximization; k-fold splits vs sklearn."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import integrate, optimize, stats
from sklearn import model_selection as skms
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import Ridge as SkRidge

from mldrill.ref.classical.mle import (
    bernoulli_mle,
    beta_map,
    beta_posterior_mean,
    gaussian_mean_map,
    gaussian_mle,
    log_likelihood_bernoulli,
    ridge_lambda,
    ridge_map,
)
from mldrill.ref.classical.model_selection import KFold, StratifiedKFold, cross_val_score, train_test_split


def test_bernoulli_and_beta():
    x = np.array([1, 0, 1, 1, 0, 1, 1])
    assert bernoulli_mle(x) == 5 / 7
    a, b = 3.0, 2.0
    mode = optimize.minimize_scalar(
        lambda p: -stats.beta(5 + a, 2 + b).logpdf(p),
        bounds=(1e-9, 1 - 1e-9),
        method="bounded",
        options={"xatol": 1e-12},
    ).x
    assert_allclose(beta_map(5, 7, a, b), mode, rtol=1e-7)
    assert_allclose(beta_posterior_mean(5, 7, a, b), stats.beta(5 + a, 2 + b).mean(), rtol=1e-14)
    assert beta_map(5, 7, 1.0, 1.0) == bernoulli_mle(x)  # a flat prior gives back the MLE
    with pytest.raises(ValueError, match="boundary"):
        beta_map(0, 3, 1.0, 1.0)


def test_gaussian_mle_is_the_biased_variance():
    x = np.random.default_rng(0).normal(2.0, 3.0, size=50)
    mu, var = gaussian_mle(x)
    loc, scale = stats.norm.fit(x)
    assert_allclose([mu, var], [loc, scale**2], rtol=1e-12)
    assert var < np.var(x, ddof=1)


def test_gaussian_mean_map_maximizes_the_posterior():
    x = np.random.default_rng(1).normal(1.0, 2.0, size=8)
    kw = {"sigma2": 4.0, "prior_mean": -1.0, "prior_var": 0.5}
    log_post = lambda m: stats.norm(m, 2.0).logpdf(x).sum() + stats.norm(-1.0, np.sqrt(0.5)).logpdf(m)  # noqa: E731
    # The posterior is Gaussian, so its mode is its mean: integrate it numerically (quad is accurate to ~1e-12).
    c = log_post(0.0)
    z = integrate.quad(lambda m: np.exp(log_post(m) - c), -20, 20, epsabs=1e-13, epsrel=1e-13)[0]
    mean = integrate.quad(lambda m: m * np.exp(log_post(m) - c), -20, 20, epsabs=1e-13, epsrel=1e-13)[0] / z
    assert_allclose(gaussian_mean_map(x, **kw), mean, rtol=1e-9)


def test_m51_ridge_is_map_with_lambda_sigma2_over_tau2():
    """M51: lam = sigma^2 / tau^2, so a broader prior (larger tau^2) regularizes less."""
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    sigma2, tau2 = 0.5, 0.2
    w = ridge_map(X, y, sigma2=sigma2, tau2=tau2)
    neg_log_post = lambda w: ((y - X @ w) ** 2).sum() / (2 * sigma2) + (w @ w) / (2 * tau2)  # noqa: E731
    opt = optimize.minimize(neg_log_post, np.zeros(3), method="BFGS", options={"gtol": 1e-12}).x
    assert_allclose(w, opt, rtol=1e-6)
    assert_allclose(w, SkRidge(alpha=sigma2 / tau2, fit_intercept=False).fit(X, y).coef_, rtol=1e-10)
    assert ridge_lambda(1.0, 10.0) < ridge_lambda(1.0, 0.1)
    assert np.linalg.norm(ridge_map(X, y, sigma2=sigma2, tau2=100.0)) > np.linalg.norm(w)


def test_product_of_probabilities_underflows_but_log_likelihood_does_not():
    x = np.ones(1100, dtype=int)
    assert np.prod(np.full(1100, 0.5)) == 0.0
    assert_allclose(log_likelihood_bernoulli(x, 0.5), 1100 * np.log(0.5), rtol=1e-14)
    assert_allclose(
        log_likelihood_bernoulli(np.array([1, 0, 1]), 0.3), stats.bernoulli(0.3).logpmf([1, 0, 1]).sum(), rtol=1e-14
    )


@pytest.mark.parametrize(("n", "k"), [(10, 3), (12, 4), (7, 7)])
def test_kfold_equals_sklearn_without_shuffle(n, k):
    X = np.zeros((n, 1))
    ours = list(KFold(k).split(X))
    theirs = list(skms.KFold(k).split(X))
    for (a_tr, a_te), (b_tr, b_te) in zip(ours, theirs, strict=True):
        assert_array_equal(a_tr, b_tr)
        assert_array_equal(a_te, b_te)


def test_shuffled_kfold_partitions_the_data():
    folds = [te for _, te in KFold(4, shuffle=True, random_state=0).split(np.zeros((23, 1)))]
    assert_array_equal(np.sort(np.concatenate(folds)), np.arange(23))


def test_stratified_kfold_keeps_class_proportions():
    y = np.array([0] * 20 + [1] * 10 + [2] * 5)
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=1).split(np.zeros(35), y):
        assert_array_equal(np.bincount(y[te], minlength=3), [4, 2, 1])
        assert len(np.intersect1d(tr, te)) == 0 and len(tr) + len(te) == 35


def test_train_test_split_and_cross_val_score():
    X, y = np.arange(40.0)[:, None], np.arange(40) % 2
    Xtr, Xte, _ytr, _yte = train_test_split(X, y, test_size=0.25, random_state=0)
    assert len(Xte) == 10 and len(Xtr) == 30
    assert_array_equal(np.sort(np.concatenate([Xtr[:, 0], Xte[:, 0]])), X[:, 0])

    class Majority:
        def fit(self, X, y):
            self.c = np.bincount(y).argmax()
            return self

        def predict(self, X):
            return np.full(len(X), self.c)

    scores = cross_val_score(Majority, X, y, cv=KFold(4))
    ref = skms.cross_val_score(DummyClassifier(strategy="most_frequent"), X, y, cv=skms.KFold(4))
    assert_allclose(scores, ref, rtol=1e-15)
