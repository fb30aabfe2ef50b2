"""k-nearest neighbours: vectorized pairwise distances, a classifier and a regressor.

Squared Euclidean distances without a Python loop: ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b (one matmul), clipped
at 0 because cancellation can make it slightly negative. Manhattan and Minkowski use broadcasting (B, N, d) in
row blocks so memory stays bounded; cosine distance is 1 - a.b / (||a|| ||b||).

Traps: scale the features (a feature in metres drowns one in kilometres); small k overfits (high variance), large k
underfits (high bias); k ~ sqrt(n) is only a heuristic; prediction costs O(n d) per query (no training).
Ties: neighbours at equal distance are ordered by index (stable sort); a tied vote goes to the smallest class label
(argmax of the class probabilities), which is what scikit-learn does too. `weights="distance"` gives 1/d weights
and, for a query that coincides with training points, uses only those points (sklearn's convention).
Speed: Euclidean neighbours are ranked by ||b||^2 - 2 a.b (the query's ||a||^2 is the same for every candidate),
selected with argpartition (O(N) per query), and only the k winners are sorted and finished (+||a||^2, sqrt);
rows with a tie at the k-th distance fall back to a full stable sort, so the result equals the readable
`argsort(D, kind="stable")[:, :k]` exactly (tested).
Tested against sklearn.neighbors.KNeighborsClassifier/Regressor(algorithm="brute").
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Metric = Literal["euclidean", "sqeuclidean", "manhattan", "cosine", "minkowski"]


def pairwise_distances(
    A: np.ndarray, B: np.ndarray, *, metric: Metric = "euclidean", p: float = 2.0, block: int = 1024
) -> np.ndarray:
    """Distances between the rows of A (n, d) and B (m, d) -> (n, m)."""
    A, B = np.asarray(A, dtype=np.float64), np.asarray(B, dtype=np.float64)
    if metric in ("euclidean", "sqeuclidean"):
        norms = (A**2).sum(1)[:, None] + (B**2).sum(1)[None, :]  # (n, m)
        sq = norms - 2.0 * A @ B.T  # ||a||^2 + ||b||^2 - 2 a.b: one matrix product instead of n*m differences
        # That expansion subtracts two nearly equal numbers when a and b nearly coincide, and keeps none of the true
        # distance (a point and its own copy come out ~1e-8 apart, and 1/d weights then go wrong): recompute those
        # few entries directly. Elsewhere its relative error stays below eps / 1e-6 ~ 2e-10.
        close = sq <= 1e-6 * norms
        if close.any():
            i, j = np.nonzero(close)
            sq[i, j] = ((A[i] - B[j]) ** 2).sum(1)
        np.maximum(sq, 0.0, out=sq)
        return sq if metric == "sqeuclidean" else np.sqrt(sq)
    if metric == "cosine":
        An = A / np.maximum(np.linalg.norm(A, axis=1, keepdims=True), 1e-300)
        Bn = B / np.maximum(np.linalg.norm(B, axis=1, keepdims=True), 1e-300)
        return 1.0 - An @ Bn.T  # (n, m)
    if metric in ("manhattan", "minkowski"):
        q = 1.0 if metric == "manhattan" else p
        out = np.empty((A.shape[0], B.shape[0]))
        for s in range(0, A.shape[0], block):
            diff = np.abs(A[s : s + block, None, :] - B[None, :, :])  # (b, m, d)
            out[s : s + block] = diff.sum(-1) if q == 1.0 else (diff**q).sum(-1) ** (1.0 / q)
        return out
    raise ValueError(f"unknown metric {metric!r}; use one of euclidean, sqeuclidean, manhattan, cosine, minkowski")


class _KNNBase:
    def __init__(
        self,
        *,
        n_neighbors: int = 5,
        metric: Metric = "euclidean",
        p: float = 2.0,
        weights: Literal["uniform", "distance"] = "uniform",
    ) -> None:
        self.n_neighbors, self.metric, self.p, self.weights = n_neighbors, metric, p, weights

    def _fit(self, X: np.ndarray) -> None:
        self._X = np.asarray(X, dtype=np.float64)
        if self.n_neighbors > len(self._X):
            raise ValueError(f"n_neighbors={self.n_neighbors} > number of training samples {len(self._X)}")

    def kneighbors(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(distances, indices) of the k nearest training points, nearest first, ties broken by index."""
        X = np.asarray(X, dtype=np.float64)
        euclid = self.metric in ("euclidean", "sqeuclidean")
        if euclid:
            # Rank by ||b||^2 - 2 a.b: the query's own ||a||^2 is the same for every candidate, so it is left out;
            # the k winners' distances are then computed directly (the expansion cancels badly for near-duplicates).
            D = X @ (-2.0 * self._X.T)  # (n, N)
            D += (self._X**2).sum(1)
        else:
            D = pairwise_distances(X, self._X, metric=self.metric, p=self.p)  # (n, N)

        k = self.n_neighbors
        if k == D.shape[1]:
            idx = np.argsort(D, axis=1, kind="stable")
        else:
            # Fast path: O(N) selection of k candidates, then sort only those (by distance, then index).
            cand = np.argpartition(D, k - 1, axis=1)[:, :k]  # (n, k), unordered
            cand.sort(axis=1)  # index order, so the stable sort below breaks distance ties by index
            order = np.argsort(np.take_along_axis(D, cand, axis=1), axis=1, kind="stable")
            idx = np.take_along_axis(cand, order, axis=1)  # (n, k)
            # argpartition may pick any of several points tied at the k-th distance: redo those rows exactly.
            kth = np.take_along_axis(D, idx[:, -1:], axis=1)  # (n, 1)
            tied = np.flatnonzero(np.less_equal(D, kth).sum(axis=1) > k)
            if len(tied):
                idx[tied] = np.argsort(D[tied], axis=1, kind="stable")[:, :k]
        if not euclid:
            return np.take_along_axis(D, idx, axis=1), idx
        sq = ((X[:, None, :] - self._X[idx]) ** 2).sum(-1)  # (n, k): exact, 0 for a training point itself
        return (np.sqrt(sq) if self.metric == "euclidean" else sq), idx

    def _neighbor_weights(self, dist: np.ndarray) -> np.ndarray:
        if self.weights == "uniform":
            return np.ones_like(dist)
        with np.errstate(divide="ignore"):
            w = 1.0 / dist
        exact = np.isinf(w).any(axis=1)
        w[exact] = np.isinf(w[exact]).astype(np.float64)  # exact matches get all the weight
        return w


class KNNClassifier(_KNNBase):
    def fit(self, X: np.ndarray, y: np.ndarray) -> KNNClassifier:
        self._fit(X)
        self.classes_, self._y = np.unique(y, return_inverse=True)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        dist, idx = self.kneighbors(X)
        w = self._neighbor_weights(dist)  # (n, k)
        onehot = np.eye(len(self.classes_))[self._y[idx]]  # (n, k, C)
        votes = (w[:, :, None] * onehot).sum(axis=1)  # (n, C)
        return votes / votes.sum(axis=1, keepdims=True)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class KNNRegressor(_KNNBase):
    def fit(self, X: np.ndarray, y: np.ndarray) -> KNNRegressor:
        self._fit(X)
        self._y = np.asarray(y, dtype=np.float64)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        dist, idx = self.kneighbors(X)
        w = self._neighbor_weights(dist)  # (n, k)
        return (w * self._y[idx]).sum(axis=1) / w.sum(axis=1)
