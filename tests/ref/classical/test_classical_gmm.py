"""GMM/EM vs sklearn.mixture.GaussianMixture from the same initial parameters; EM's monotone log-likelihood."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import multivariate_normal
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as SkGMM

from mldrill.ref.classical.gmm import GaussianMixture, _precision_cholesky, e_step, estimate_log_gaussian_prob


def _data(seed=0, n=240):
    rng = np.random.default_rng(seed)
    A = np.array([[2.0, 0.0], [1.5, 0.3]])
    parts = [
        rng.normal(size=(n // 3, 2)) @ A + [0, 0],
        rng.normal(size=(n // 3, 2)) * 0.5 + [4, 4],
        rng.normal(size=(n // 3, 2)) @ A.T + [-3, 5],
    ]
    return np.vstack(parts)


def _init(X, k, cov_type, seed=1):
    rng = np.random.default_rng(seed)
    means = X[rng.choice(len(X), k, replace=False)]
    weights = np.full(k, 1.0 / k)
    prec = np.stack([np.eye(2)] * k) if cov_type == "full" else np.ones((k, 2))
    return weights, means, prec


@pytest.mark.parametrize("cov_type", ["full", "diag"])
@pytest.mark.parametrize("reg_covar", [1e-6, 1e-2])
def test_matches_sklearn_from_same_init(cov_type, reg_covar):
    X = _data()
    w, m, p = _init(X, 3, cov_type)
    kw = {
        "covariance_type": cov_type,
        "reg_covar": reg_covar,
        "max_iter": 15,
        "tol": 0.0,
        "weights_init": w,
        "means_init": m,
        "precisions_init": p,
    }
    ours = GaussianMixture(3, **kw).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = SkGMM(3, **kw).fit(X)
    assert_allclose(ours.weights_, sk.weights_, rtol=1e-7)
    assert_allclose(ours.means_, sk.means_, rtol=1e-7, atol=1e-10)
    assert_allclose(ours.covariances_, sk.covariances_, rtol=1e-7, atol=1e-10)
    assert_allclose(ours.lower_bound_, sk.lower_bound_, rtol=1e-9)
    assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-6, atol=1e-10)
    assert_allclose(ours.score(X), sk.score(X), rtol=1e-9)


def test_log_likelihood_never_decreases():
    X = _data(seed=2)
    w, m, p = _init(X, 3, "full", seed=3)
    g = GaussianMixture(3, max_iter=40, tol=0.0, weights_init=w, means_init=m, precisions_init=p).fit(X)
    lb = np.array(g.lower_bounds_)
    assert (np.diff(lb) >= -1e-10).all()
    assert lb[-1] > lb[0]


def test_log_density_matches_scipy():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(10, 3))
    means = rng.normal(size=(2, 3))
    B = rng.normal(size=(2, 3, 3))
    cov = B @ B.transpose(0, 2, 1) + np.eye(3)
    ours = estimate_log_gaussian_prob(X, means, _precision_cholesky(cov, "full"), "full")
    ref = np.stack([multivariate_normal(means[j], cov[j]).logpdf(X) for j in range(2)], axis=1)
    assert_allclose(ours, ref, rtol=1e-10)


def test_e_step_stays_finite_for_far_points():
    """log-sum-exp: a point 1e3 standard deviations away still gets responsibilities that sum to 1."""
    X = np.array([[1e3, 1e3], [0.0, 0.0]])
    means, w = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0.5, 0.5])
    ll, log_resp = e_step(X, w, means, np.ones((2, 2)), "diag")
    assert np.isfinite(ll) and np.isfinite(log_resp).all()
    assert_allclose(np.exp(log_resp).sum(1), 1.0, rtol=1e-12)


def test_singular_covariance_needs_reg_covar():
    X = np.vstack([np.zeros((5, 2)), np.ones((5, 2)) * 3])  # two clusters of identical points
    means, w = np.array([[0.0, 0.0], [3.0, 3.0]]), np.array([0.5, 0.5])
    with pytest.raises(ValueError, match="reg_covar"):
        GaussianMixture(
            2, reg_covar=0.0, means_init=means, weights_init=w, precisions_init=np.ones((2, 2)), covariance_type="diag"
        ).fit(X)
    g = GaussianMixture(
        2, reg_covar=1e-6, means_init=means, weights_init=w, precisions_init=np.ones((2, 2)), covariance_type="diag"
    ).fit(X)
    assert_allclose(g.covariances_, 1e-6, rtol=1e-6)


def test_hard_em_limit_is_kmeans_assignment():
    """With shared covariance s^2 I, s -> 0, the responsibilities become one-hot on the nearest mean."""
    X = _data(seed=5, n=60)
    means = X[:3]
    s = 1e-3
    _, log_resp = e_step(X, np.full(3, 1 / 3), means, np.full((3, 2), 1 / s), "diag")
    nearest = np.argmin(((X[:, None] - means[None]) ** 2).sum(-1), axis=1)
    assert_array_equal(np.exp(log_resp), np.eye(3)[nearest])


def test_full_covariance_gmm_beats_kmeans_on_anisotropic_blobs():
    """Trap: k-means assumes spherical clusters; a full-covariance GMM fits stretched ones."""
    from sklearn.metrics import adjusted_rand_score

    from mldrill.ref.classical.kmeans import KMeans

    rng = np.random.default_rng(6)
    y = np.repeat([0, 1, 2], 150)
    base = rng.normal(size=(450, 2)) * [0.1, 3.0]  # long thin vertical clusters, close together sideways
    X = base + np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])[y]
    km = KMeans(3, n_init=5, random_state=0).fit(X)
    means = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]) + 0.1
    gm = GaussianMixture(
        3, means_init=means, weights_init=np.full(3, 1 / 3), precisions_init=np.stack([np.eye(2)] * 3), max_iter=200
    ).fit(X)
    assert adjusted_rand_score(y, gm.predict(X)) > 0.9
    assert adjusted_rand_score(y, km.labels_) < 0.5
