"""K-means vs sklearn.cluster.KMeans(algorithm="lloyd") from the same initial centres; k-means++ by a chi^2 test."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import chisquare
from sklearn.cluster import KMeans as SkKMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics import silhouette_samples as sk_silhouette_samples
from sklearn.metrics import silhouette_score as sk_silhouette_score

from mldrill.ref.classical.kmeans import (
    KMeans,
    elbow,
    kmeans_plusplus,
    lloyd,
    lloyd_step,
    silhouette_samples,
    silhouette_score,
)


def _blobs(n=300, k=4, d=2, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=5, size=(k, d))
    y = rng.integers(k, size=n)
    return centers[y] + rng.normal(size=(n, d)), y


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("tol", [0.0, 1e-4])
def test_same_centres_as_sklearn_from_the_same_init(seed, tol):
    X, _ = _blobs(seed=seed)
    rng = np.random.default_rng(seed + 10)
    init = X[rng.choice(len(X), 4, replace=False)]
    ours = KMeans(4, init=init, tol=tol).fit(X)
    sk = SkKMeans(4, init=init, n_init=1, algorithm="lloyd", tol=tol).fit(X)
    assert_allclose(ours.cluster_centers_, sk.cluster_centers_, rtol=1e-9, atol=1e-12)
    assert_array_equal(ours.labels_, sk.labels_)
    assert_allclose(ours.inertia_, sk.inertia_, rtol=1e-9)
    assert ours.n_iter_ == sk.n_iter_


def test_labels_agree_up_to_permutation_with_sklearn_kmeanspp_restarts():
    X, _ = _blobs(n=400, k=3, seed=3)
    ours = KMeans(3, n_init=5, random_state=0).fit(X)
    sk = SkKMeans(3, n_init=5, random_state=0).fit(X)
    assert adjusted_rand_score(ours.labels_, sk.labels_) == 1.0  # same partition, labels permuted
    assert_allclose(ours.inertia_, sk.inertia_, rtol=1e-9)


def test_inertia_never_increases_across_iterations():
    X, _ = _blobs(n=200, k=5, seed=4)
    init = X[:5]
    inertias = [lloyd(X, init, max_iter=it, tol=-1.0)[2] for it in range(1, 12)]
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(inertias))


def test_empty_cluster_is_relocated_like_sklearn():
    X, _ = _blobs(n=150, k=3, seed=5)
    init = np.vstack([X[:2], [[1e3, 1e3]]])  # the third centre is far from everything: empty after step 1
    ours = KMeans(3, init=init, tol=0.0).fit(X)
    sk = SkKMeans(3, init=init, n_init=1, algorithm="lloyd", tol=0.0).fit(X)
    assert len(np.unique(ours.labels_)) == 3
    assert_allclose(ours.cluster_centers_, sk.cluster_centers_, rtol=1e-9)
    assert_array_equal(ours.labels_, sk.labels_)


def test_restarts_never_worse_than_one_run():
    X, _ = _blobs(n=300, k=6, seed=6)
    one = KMeans(6, init="random", n_init=1, random_state=7).fit(X).inertia_
    many = KMeans(6, init="random", n_init=8, random_state=7).fit(X).inertia_
    assert many <= one


def test_kmeanspp_first_two_centres_follow_d2_sampling():
    """Joint law of (first, second) = 1/n * D^2(x_j; x_i) / sum_j D^2. chi^2 at alpha = 0.001 (false-fail 0.1%)."""
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [3.0, 3.0], [-1.0, 1.0]])
    n = len(X)
    D2 = ((X[:, None] - X[None]) ** 2).sum(-1)
    expected_p = (D2 / D2.sum(1, keepdims=True)) / n  # (first, second)
    draws = 4000
    rng = np.random.default_rng(123)
    counts = np.zeros((n, n))
    for _ in range(draws):
        _, idx = kmeans_plusplus(X, 2, random_state=rng)
        counts[idx[0], idx[1]] += 1
    mask = ~np.eye(n, dtype=bool)
    assert counts[~mask].sum() == 0  # never picks the same point twice
    _, p = chisquare(counts[mask], draws * expected_p[mask])
    assert p > 1e-3


def test_silhouette_matches_sklearn_and_is_undefined_for_one_cluster():
    X, y = _blobs(n=60, k=3, seed=8)
    y = y.copy()
    y[0] = 3  # a singleton cluster scores 0 by convention
    assert_allclose(silhouette_samples(X, y), sk_silhouette_samples(X, y), rtol=1e-9, atol=1e-12)
    assert_allclose(silhouette_score(X, y), sk_silhouette_score(X, y), rtol=1e-9)
    with pytest.raises(ValueError, match="silhouette"):
        silhouette_score(X, np.zeros(len(X)))


def test_elbow_inertia_decreases_with_k():
    rng = np.random.default_rng(9)
    X = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])[np.arange(210) % 3] + rng.normal(size=(210, 2))
    inertias = elbow(X, [1, 2, 3, 4, 6])
    assert all(a > b for a, b in itertools.pairwise(inertias))
    assert inertias[2] < 0.2 * inertias[1]  # the bend at the true k = 3


def test_lloyd_step_is_sklearns_first_iteration_and_keeps_an_empty_centre():
    rng = np.random.default_rng(3)
    X = np.concatenate([rng.normal(loc=m, scale=0.5, size=(20, 2)) for m in ((0, 0), (4, 0), (0, 4))])
    init = X[[0, 20, 40]] + 0.3
    new, labels = lloyd_step(X, init)
    sk = SkKMeans(3, init=init, n_init=1, max_iter=1, algorithm="lloyd").fit(X)
    assert_allclose(new, sk.cluster_centers_, rtol=1e-12, atol=1e-12)  # sklearn's centres after one update
    assert_array_equal(labels, np.argmin(((X[:, None] - init[None]) ** 2).sum(-1), axis=1))
    far = np.vstack([init, [[100.0, 100.0], [-50.0, 80.0]]])  # two centres nobody is nearest to
    before = far.copy()
    new, labels = lloyd_step(X, far)
    assert_array_equal(far, before)  # the input is untouched
    assert np.isfinite(new).all() and set(labels.tolist()) == {0, 1, 2}
    assert_array_equal(new[3:], far[3:])
    for j in range(3):
        assert_allclose(new[j], X[labels == j].mean(0), rtol=1e-12)


@pytest.mark.parametrize("iters", [1, 2, 5, 40])
def test_every_iteration_matches_sklearn_while_few_points_move(iters: int) -> None:
    """Overlapping clusters keep a few points moving for many iterations: the sums corrected for moved points only
    (lloyd's fast path) must give sklearn's centres after any number of iterations, not just at convergence."""
    rng = np.random.default_rng(11)
    k = 8
    X = rng.normal(size=(4000, 6)) + 1.2 * rng.normal(size=(k, 6))[rng.integers(k, size=4000)]
    init = X[rng.choice(4000, k, replace=False)]
    centers, labels, inertia, n_iter = lloyd(X, init, max_iter=iters, tol=-1.0)
    sk = SkKMeans(k, init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd").fit(X)
    assert n_iter == sk.n_iter_
    assert_allclose(centers, sk.cluster_centers_, rtol=1e-9, atol=1e-12)
    assert_array_equal(labels, sk.labels_)
    assert_allclose(inertia, sk.inertia_, rtol=1e-9)


@pytest.mark.parametrize("n", [1, 1023, 1025, 8193, 20_000])
def test_blocked_transpose_and_inertia_equal_the_one_shot_formulas(n):
    from mldrill.ref.classical.kmeans import _inertia, _ones_row

    rng = np.random.default_rng(n)
    X, C = rng.normal(size=(n, 5)), rng.normal(size=(3, 5))
    labels = rng.integers(3, size=n)
    np.testing.assert_array_equal(_ones_row(X), np.vstack([X.T, np.ones(n)]))
    assert_allclose(_inertia(X, C, labels), ((X - C[labels]) ** 2).sum(), rtol=1e-12)
