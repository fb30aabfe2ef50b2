"""PCA (SVD and eigh routes) vs sklearn.decomposition.PCA(svd_solver="full")."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.decomposition import PCA as SkPCA

from mldrill.ref.classical.pca import PCA


def _data(n=50, d=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + rng.normal(size=d) * 10


@pytest.mark.parametrize("method", ["svd", "eigh"])
@pytest.mark.parametrize("k", [1, 3, 5])
def test_matches_sklearn(method, k):
    X = _data()
    ours, sk = PCA(k, method=method).fit(X), SkPCA(k, svd_solver="full").fit(X)
    assert_allclose(ours.components_, sk.components_, rtol=1e-7, atol=1e-9)
    assert_allclose(ours.explained_variance_, sk.explained_variance_, rtol=1e-9)
    assert_allclose(ours.explained_variance_ratio_, sk.explained_variance_ratio_, rtol=1e-9)
    assert_allclose(ours.singular_values_, sk.singular_values_, rtol=1e-9)
    assert_allclose(ours.transform(X), sk.transform(X), rtol=1e-7, atol=1e-8)


def test_full_rank_reconstruction_is_exact_and_ratios_sum_to_one():
    X = _data(seed=1)
    p = PCA().fit(X)
    assert_allclose(p.inverse_transform(p.transform(X)), X, rtol=1e-10, atol=1e-10)
    assert_allclose(p.explained_variance_ratio_.sum(), 1.0, rtol=1e-12)


def test_forgetting_to_centre_points_the_first_axis_at_the_mean():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 2)) * [3.0, 1.0] + [0.0, 50.0]  # spread along x, offset along y
    assert abs(PCA(1).fit(X).components_[0, 0]) > 0.99  # centred: the x axis
    _, _, Vt = np.linalg.svd(X, full_matrices=False)  # uncentred SVD
    assert abs(Vt[0, 1]) > 0.99  # the first "axis" is the mean direction


def test_bad_n_components_is_a_clear_error():
    with pytest.raises(ValueError, match="n_components"):
        PCA(9).fit(_data())
