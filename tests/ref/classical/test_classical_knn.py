"""KNN vs sklearn.neighbors (brute force), and the distance matrix vs scipy.spatial.distance.cdist."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

from mldrill.ref.classical.knn import KNNClassifier, KNNRegressor, pairwise_distances


@pytest.mark.parametrize(
    ("metric", "scipy_metric", "kw"),
    [
        ("euclidean", "euclidean", {}),
        ("sqeuclidean", "sqeuclidean", {}),
        ("manhattan", "cityblock", {}),
        ("cosine", "cosine", {}),
        ("minkowski", "minkowski", {"p": 3.0}),
    ],
)
def test_pairwise_distances_match_cdist(metric, scipy_metric, kw):
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(7, 5)), rng.normal(size=(9, 5))
    assert_allclose(
        pairwise_distances(A, B, metric=metric, **kw), cdist(A, B, scipy_metric, **kw), rtol=1e-9, atol=1e-12
    )


def test_euclidean_distances_stay_exact_for_nearly_coinciding_points():
    """||a||^2 + ||b||^2 - 2 a.b cancels catastrophically when a ~ b far from the origin: a point and its copy must
    be exactly 0 apart, and points 1e-6 apart at norm ~3e4 must still match scipy's direct computation."""
    rng = np.random.default_rng(3)
    A = rng.normal(size=(40, 8)) * 1e3 + 1e4
    B = np.vstack([A[:10], A[10:20] + rng.normal(size=(10, 8)) * 1e-6, rng.normal(size=(15, 8)) * 1e3 + 1e4])
    for metric in ("euclidean", "sqeuclidean"):
        D = pairwise_distances(A, B, metric=metric)
        assert_array_equal(D[np.arange(10), np.arange(10)], 0.0)
        assert_allclose(D, cdist(A, B, metric), rtol=1e-9, atol=0)


def test_unknown_metric_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown metric"):
        pairwise_distances(np.zeros((1, 2)), np.zeros((1, 2)), metric="hamming")  # type: ignore[arg-type]


@pytest.mark.parametrize("k", [1, 3, 7])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
def test_classifier_matches_sklearn_brute(k, weights, metric):
    rng = np.random.default_rng(k)
    X, y = rng.normal(size=(80, 4)), rng.integers(0, 3, size=80)
    Xq = rng.normal(size=(30, 4))
    ours = KNNClassifier(n_neighbors=k, weights=weights, metric=metric).fit(X, y)
    sk = KNeighborsClassifier(n_neighbors=k, weights=weights, metric=metric, algorithm="brute").fit(X, y)
    assert_allclose(ours.predict_proba(Xq), sk.predict_proba(Xq), rtol=1e-9)
    assert_array_equal(ours.predict(Xq), sk.predict(Xq))
    d_ours, i_ours = ours.kneighbors(Xq)
    d_sk, i_sk = sk.kneighbors(Xq)
    assert_array_equal(i_ours, i_sk)
    assert_allclose(d_ours, d_sk, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_regressor_matches_sklearn_brute(weights):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(60, 3)), rng.normal(size=60)
    Xq = np.vstack([rng.normal(size=(20, 3)), X[:3]])  # includes exact matches (distance 0)
    ours = KNNRegressor(n_neighbors=4, weights=weights).fit(X, y)
    sk = KNeighborsRegressor(n_neighbors=4, weights=weights, algorithm="brute").fit(X, y)
    assert_allclose(ours.predict(Xq), sk.predict(Xq), rtol=1e-9)


def test_tied_vote_goes_to_the_smallest_label():
    X = np.array([[0.0], [1.0], [-1.0], [5.0]])
    y = np.array([2, 1, 2, 1])  # k=2 from 0.4: neighbours x=0 (label 2) and x=1 (label 1): a tie
    m = KNNClassifier(n_neighbors=2).fit(X, y)
    assert m.predict(np.array([[0.4]]))[0] == 1


def test_large_k_underfits_small_k_overfits():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(int)
    train_acc = {k: (KNNClassifier(n_neighbors=k).fit(X, y).predict(X) == y).mean() for k in (1, 199)}
    assert train_acc[1] == 1.0  # memorizes the training set (variance)
    assert train_acc[199] <= max(y.mean(), 1 - y.mean()) + 0.01  # predicts the majority class (bias)


def test_too_many_neighbours_is_a_clear_error():
    with pytest.raises(ValueError, match="n_neighbors"):
        KNNClassifier(n_neighbors=5).fit(np.zeros((3, 1)), np.zeros(3))


def test_fast_selection_equals_a_full_stable_sort_with_ties():
    """The argpartition fast path must pick the lowest indices among points tied at the k-th distance."""
    rng = np.random.default_rng(3)
    X = rng.integers(0, 3, size=(60, 2)).astype(float)  # many exact ties
    Xq = rng.integers(0, 3, size=(25, 2)).astype(float)
    for k in (1, 4, 9, 60):
        m = KNNClassifier(n_neighbors=k).fit(X, np.zeros(60))
        d, i = m.kneighbors(Xq)
        D = cdist(Xq, X)
        ref = np.argsort(D, axis=1, kind="stable")[:, :k]
        assert_array_equal(i, ref)
        assert_allclose(d, np.take_along_axis(D, ref, axis=1), rtol=1e-12, atol=1e-12)


def test_unscaled_feature_drowns_the_informative_one():
    """Trap: scale the features. A noise feature in large units dominates the Euclidean distance."""
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 400)
    X = np.column_stack([y + 0.3 * rng.normal(size=400), 1000.0 * rng.normal(size=400)])  # signal, big noise
    Xtr, Xte, ytr, yte = X[:300], X[300:], y[:300], y[300:]
    raw = (KNNClassifier(n_neighbors=5).fit(Xtr, ytr).predict(Xte) == yte).mean()
    mu, sd = Xtr.mean(0), Xtr.std(0)
    scaled = (KNNClassifier(n_neighbors=5).fit((Xtr - mu) / sd, ytr).predict((Xte - mu) / sd) == yte).mean()
    assert raw < 0.7 and scaled > 0.85
