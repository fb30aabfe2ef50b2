"""DBSCAN (Ester et al., 1996): density-based clustering with noise.

A core point has at least min_samples points (itself included) within distance eps. Clusters are the connected
components of core points (two cores are linked when within eps); a non-core point within eps of a core is a border
point and joins that core's cluster; every other point is noise, label -1.
Trap: a border point reachable from two clusters belongs to whichever reaches it first, so labels depend on visit
order. Like sklearn, we scan points in index order and grow each new cluster completely (depth-first) before the
next: with that order the labels equal sklearn's exactly, not only up to relabeling.
Tested against sklearn.cluster.DBSCAN in tests/ref/classical/test_classical_dbscan.py.
"""

from __future__ import annotations

import numpy as np

from mldrill.ref.classical.knn import pairwise_distances


class DBSCAN:
    def __init__(self, *, eps: float = 0.5, min_samples: int = 5) -> None:
        self.eps, self.min_samples = eps, min_samples

    def fit(self, X: np.ndarray, y: object = None) -> DBSCAN:
        X = np.asarray(X, dtype=np.float64)
        D = pairwise_distances(X, X)  # (n, n)
        neighbors = [np.flatnonzero(row <= self.eps) for row in D]
        is_core = np.array([len(nb) >= self.min_samples for nb in neighbors])
        labels = np.full(len(X), -1)
        cluster = 0
        for i in range(len(X)):
            if labels[i] != -1 or not is_core[i]:
                continue
            labels[i] = cluster
            stack = [i]
            while stack:
                p = stack.pop()
                if not is_core[p]:
                    continue  # border points join but do not expand the cluster
                for q in neighbors[p]:
                    if labels[q] == -1:
                        labels[q] = cluster
                        stack.append(int(q))
            cluster += 1
        self.labels_ = labels
        self.core_sample_indices_ = np.flatnonzero(is_core)
        return self

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).labels_
