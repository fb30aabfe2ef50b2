"""DBSCAN vs sklearn.cluster.DBSCAN: identical labels (same visit order), core points and noise."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.cluster import DBSCAN as SkDBSCAN

from mldrill.ref.classical.dbscan import DBSCAN


@pytest.mark.parametrize(("eps", "min_samples"), [(0.3, 3), (0.5, 5), (0.8, 4), (0.2, 2)])
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_sklearn(eps, min_samples, seed):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(size=(40, 2)) * 0.3, rng.normal(size=(40, 2)) * 0.3 + 2, rng.uniform(-2, 4, (20, 2))])
    ours, sk = DBSCAN(eps=eps, min_samples=min_samples).fit(X), SkDBSCAN(eps=eps, min_samples=min_samples).fit(X)
    assert_array_equal(ours.labels_, sk.labels_)
    assert_array_equal(ours.core_sample_indices_, sk.core_sample_indices_)


def test_noise_is_minus_one_and_border_points_join():
    X = np.array([[0.0], [0.1], [0.2], [0.35], [5.0]])  # 0.35 is a border point of the core at 0.2
    labels = DBSCAN(eps=0.15, min_samples=3).fit(X).labels_
    assert list(labels) == [0, 0, 0, 0, -1]
