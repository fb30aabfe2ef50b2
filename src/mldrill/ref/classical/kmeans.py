"""K-means (Lloyd's algorithm), k-means++ seeding, restarts, and the elbow / silhouette helpers.

Lloyd: alternate assign (each point to its nearest centre) and update (each centre to the mean of its points).
Inertia (WCSS) = sum_i ||x_i - c_{label_i}||^2 never increases from one iteration to the next.
k-means++ (Arthur & Vassilvitskii, 2007): first centre uniform, each next one drawn with probability proportional
to D(x)^2, the squared distance to the nearest centre chosen so far; O(log k)-competitive in expectation.
`n_local_trials > 1` is sklearn's greedy variant (draw several candidates, keep the one that lowers the potential
most); the default 1 is the paper's plain D^2 sampling.

Traps: Lloyd converges to a local optimum (use `n_init` restarts, keep the lowest inertia); a centre can lose all its
points (empty cluster): like sklearn, we move it onto the point farthest from its current centre; k-means assumes
spherical, equal-size clusters.
Conventions copied from sklearn.cluster.KMeans(algorithm="lloyd") so that both give the same centres from the same
initial centres: tol is relative (tol * mean feature variance) and compared to the total squared centre shift;
iteration stops early when labels stop changing; if it stopped on tol, labels are recomputed from the final
centres. Speed: the assignment drops ||x||^2 (it does not change the argmin) and builds ||c||^2 - 2 X C^T in place;
the update sums each feature with a weighted bincount (O(n d)) instead of a one-hot matrix product, and
later iterations only correct the sums for the points that changed cluster. Large arrays are made once: the (k, n)
scores are one buffer for every iteration and the inertia is summed a block at a time, because on a virtual
machine the page faults of a fresh 12 MB array cost as much as the matrix product that fills it (1.5x sklearn with
fresh arrays, 1.07x with the buffer; bench/bench_kmeans.py).
Tested in tests/ref/classical/test_classical_kmeans.py; bench/bench_kmeans.py times it against sklearn.
"""

from __future__ import annotations

from typing import Literal

import numpy as np


def _sq_dists(X: np.ndarray, C: np.ndarray, x_sq: np.ndarray | None = None) -> np.ndarray:
    x_sq = (X**2).sum(1) if x_sq is None else x_sq
    D = x_sq[:, None] - 2.0 * X @ C.T + (C**2).sum(1)[None, :]  # (n, k)
    return np.maximum(D, 0.0)


def kmeans_plusplus(
    X: np.ndarray, n_clusters: int, *, random_state: int | np.random.Generator | None = None, n_local_trials: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """k-means++ seeding -> (centers (k, d), indices of the chosen points (k,))."""
    rng = np.random.default_rng(random_state)
    n = X.shape[0]
    if n_clusters > n:
        raise ValueError(f"n_clusters={n_clusters} > n_samples={n}")
    idx = [int(rng.integers(n))]  # the first centre is uniform
    closest = ((X - X[idx[0]]) ** 2).sum(1)  # (n,) D(x)^2
    for _ in range(1, n_clusters):
        total = closest.sum()
        if total == 0.0:  # fewer distinct points than clusters: any point will do
            cand = rng.integers(n, size=n_local_trials)
        else:
            cand = np.searchsorted(np.cumsum(closest), rng.random(n_local_trials) * total, side="right")
            cand = np.minimum(cand, n - 1)
        cand_d = np.minimum(closest[None, :], _sq_dists(X, X[cand]).T)  # (t, n)
        best = int(np.argmin(cand_d.sum(1)))
        idx.append(int(cand[best]))
        closest = cand_d[best]
    return X[idx].copy(), np.array(idx)


def _assign(XaT: np.ndarray, centers: np.ndarray, G: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centre of each point -> (labels (n,), G (k, n) = ||c||^2 - 2 C X^T); ties go to the lowest index.

    argmin_j ||x - c_j||^2 = argmin_j (||c_j||^2 - 2 x.c_j): ||x||^2 is dropped. `XaT` is X^T with a row of ones
    appended, so one matrix product [-2C ||c||^2] [X 1]^T gives G with no (n, k) temporary. The argmin runs down
    the k rows of G: the minimum of each column in one vectorised reduction, then each label is the sum of
    j * [G_j == min] (one row at a time, one byte per point); the rare exact ties are settled by argmin itself.
    A plain argmin over k = 16 numbers per point costs several times more in NumPy: it cannot vectorise rows that short.
    G, if given, is the (k, n) buffer to fill: a fresh 12 MB array every iteration costs its page faults each time.
    """
    k = centers.shape[0]
    Ca = np.hstack([-2.0 * centers, (centers**2).sum(1, keepdims=True)])  # (k, d + 1)
    G = np.matmul(Ca, XaT, out=G)  # (k, n)
    best = np.minimum.reduce(G, axis=0)  # (n,)
    label_t = np.uint8 if k < 256 else np.intp
    labels: np.ndarray = np.zeros(G.shape[1], dtype=label_t)
    hits: np.ndarray = np.zeros(G.shape[1], dtype=label_t)
    for j in range(k):
        at_min = (G[j] == best).view(np.uint8)
        hits += at_min
        if j:
            labels += at_min * label_t(j)
    out = labels.astype(np.intp)
    tied = np.flatnonzero(hits != 1)  # equal scores (or NaN): fall back to argmin's lowest-index rule
    if len(tied):
        out[tied] = np.argmin(G[:, tied], axis=0)
    return out, G


def _ones_row(X: np.ndarray, block: int = 1024) -> np.ndarray:
    """X^T with a row of ones appended: (d + 1, n), each row contiguous. Transposed a block of rows at a time, which
    stays in cache (3x faster than one strided copy at n = 100k, d = 32)."""
    XaT = np.empty((X.shape[1] + 1, X.shape[0]))
    XaT[-1] = 1.0
    for a in range(0, X.shape[0], block):
        XaT[:-1, a : a + block] = X[a : a + block].T
    return XaT


def _inertia(X: np.ndarray, centers: np.ndarray, labels: np.ndarray, block: int = 8192) -> float:
    """sum_i ||x_i - c_{label_i}||^2, a block of points at a time (no (n, d) temporary)."""
    total = 0.0
    for a in range(0, X.shape[0], block):
        D = X[a : a + block] - centers[labels[a : a + block]]  # (block, d)
        total += float(np.einsum("ij,ij->", D, D))
    return total


def lloyd_step(X: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One Lloyd iteration -> (new centers (k, d), labels (n,) w.r.t. the given centers; ties to the lowest index).

    An empty cluster keeps its old centre (the simplest policy that never produces a NaN; `lloyd` instead moves it
    onto a far point, as sklearn does). The input is not modified.
    """
    k = centers.shape[0]
    labels = np.argmin(((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1), axis=1)  # exact, (n, k) memory
    counts = np.bincount(labels, minlength=k)
    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, labels, X)
    new = np.array(centers, dtype=np.float64)
    full = counts > 0
    new[full] = sums[full] / counts[full, None]
    return new, labels


def lloyd(
    X: np.ndarray, centers: np.ndarray, *, max_iter: int = 300, tol: float = 0.0
) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Run Lloyd's algorithm from given centres -> (centers, labels, inertia, n_iter). `tol` is absolute here.

    The update keeps per-cluster sums and counts between iterations and corrects them only for the points that
    changed cluster: after the first few iterations few points move, so the O(n d) re-summation becomes O(moved d).
    The sums are recomputed from scratch when many points moved or an empty centre was relocated.
    """
    X = np.asarray(X, dtype=np.float64)
    n, k = X.shape[0], centers.shape[0]
    centers = np.array(centers, dtype=np.float64)
    XaT = _ones_row(X)  # (d + 1, n): the assignment's operand, and each feature contiguous for the bincounts
    labels_old = np.full(n, -1)
    strict = False
    n_iter = 0
    labels = labels_old
    sums, counts = np.zeros((k, X.shape[1])), np.zeros(k)  # per-cluster sums and sizes under `labels_old`
    recount = True
    G = np.empty((k, n))  # the assignment's scores, one buffer for every iteration
    for n_iter in range(1, max_iter + 1):  # noqa: B007 (n_iter is reported after the loop)
        labels, G = _assign(XaT, centers, G)
        moved = np.flatnonzero(labels != labels_old)
        if recount or len(moved) > n // 8:
            counts = np.bincount(labels, minlength=k).astype(np.float64)  # (k,)
            # Per-cluster sums, one weighted bincount per feature: O(n d), cheaper than a one-hot matmul.
            sums = np.stack([np.bincount(labels, weights=col, minlength=k) for col in XaT[:-1]], axis=1)  # (k, d)
        elif len(moved):
            to, frm, Xm = labels[moved], labels_old[moved], X[moved]
            counts += np.bincount(to, minlength=k) - np.bincount(frm, minlength=k)
            np.add.at(sums, to, Xm)
            np.subtract.at(sums, frm, Xm)
        empty = np.flatnonzero(counts == 0)
        recount = False
        if len(empty):
            # Relocate each empty centre onto a far point, taking that point out of its old cluster.
            far_d = G[labels, np.arange(n)] + (X**2).sum(1)  # squared distance to the assigned centre
            far = np.argsort(-far_d, kind="stable")[: len(empty)]
            if far_d.max() > 0:
                for e, f in zip(empty, far, strict=True):
                    sums[labels[f]] -= X[f]
                    counts[labels[f]] -= 1
                    sums[e], counts[e] = X[f], 1.0
                recount = True  # the sums no longer match `labels`
        nonzero = counts > 0
        new_centers = centers.copy()
        new_centers[nonzero] = sums[nonzero] / counts[nonzero, None]
        shift = float(((new_centers - centers) ** 2).sum())
        centers = new_centers
        if np.array_equal(labels, labels_old):
            strict = True
            break
        if shift <= tol:
            break
        labels_old = labels
    if not strict:  # make the labels consistent with the final centres
        labels = _assign(XaT, centers, G)[0]
    return centers, labels, _inertia(X, centers, labels), n_iter


class KMeans:
    """Lloyd k-means with k-means++ / random / given initial centres and `n_init` restarts."""

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: Literal["k-means++", "random"] | np.ndarray = "k-means++",
        n_init: int = 1,
        max_iter: int = 300,
        tol: float = 1e-4,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.n_clusters, self.init, self.n_init = n_clusters, init, n_init
        self.max_iter, self.tol, self.random_state = max_iter, tol, random_state

    def _init_centers(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if isinstance(self.init, np.ndarray):
            if self.init.shape != (self.n_clusters, X.shape[1]):
                raise ValueError(f"init has shape {self.init.shape}, expected {(self.n_clusters, X.shape[1])}")
            return self.init.astype(np.float64)
        if self.init == "random":
            return X[rng.choice(X.shape[0], self.n_clusters, replace=False)].copy()
        if self.init == "k-means++":
            return kmeans_plusplus(
                X, self.n_clusters, random_state=rng, n_local_trials=2 + int(np.log(self.n_clusters))
            )[0]
        raise ValueError(f"unknown init {self.init!r}")

    def fit(self, X: np.ndarray, y: object = None) -> KMeans:
        X = np.asarray(X, dtype=np.float64)
        rng = np.random.default_rng(self.random_state)
        tol = float(np.mean(np.var(X, axis=0)) * self.tol)
        best: tuple[np.ndarray, np.ndarray, float, int] | None = None
        n_runs = 1 if isinstance(self.init, np.ndarray) else self.n_init
        for _ in range(n_runs):
            run = lloyd(X, self._init_centers(X, rng), max_iter=self.max_iter, tol=tol)
            if best is None or run[2] < best[2]:
                best = run
        assert best is not None
        self.cluster_centers_, self.labels_, self.inertia_, self.n_iter_ = best
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.argmin(_sq_dists(np.asarray(X, dtype=np.float64), self.cluster_centers_), axis=1)

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).labels_


def elbow(X: np.ndarray, ks: list[int], *, n_init: int = 3, random_state: int = 0) -> list[float]:
    """Inertia for each k (plot it against k and look for the bend); it only decreases with k."""
    return [KMeans(k, n_init=n_init, random_state=random_state).fit(X).inertia_ for k in ks]


def silhouette_samples(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """s(i) = (b - a) / max(a, b); a = mean distance to its own cluster, b = to the nearest other cluster.

    A point alone in its cluster gets 0 (sklearn's convention). Undefined for a single cluster: raises.
    """
    X = np.asarray(X, dtype=np.float64)
    uniq, lab = np.unique(labels, return_inverse=True)
    if not 2 <= len(uniq) <= len(X) - 1:
        raise ValueError(f"silhouette needs 2 <= n_labels <= n_samples - 1, got {len(uniq)} labels")
    D = np.sqrt(_sq_dists(X, X))  # (n, n)
    np.fill_diagonal(D, 0.0)
    onehot = np.eye(len(uniq))[lab]  # (n, K)
    sizes = onehot.sum(0)  # (K,)
    per_cluster = D @ onehot  # (n, K): sum of distances to each cluster
    own = sizes[lab] - 1
    a = np.where(own > 0, per_cluster[np.arange(len(X)), lab] / np.maximum(own, 1), 0.0)
    mean_other = per_cluster / sizes
    mean_other[np.arange(len(X)), lab] = np.inf
    b = mean_other.min(1)
    s = (b - a) / np.maximum(a, b)
    return np.where(own > 0, s, 0.0)


def silhouette_score(X: np.ndarray, labels: np.ndarray) -> float:
    return float(silhouette_samples(X, labels).mean())


def kmeans_pp_init(X: np.ndarray, k: int, rng: int | np.random.Generator | None = None) -> np.ndarray:
    """The syllabus name for plain D^2 seeding: k initial centres (k, d)."""
    return kmeans_plusplus(np.asarray(X, dtype=np.float64), k, random_state=rng)[0]


def kmeans(
    X: np.ndarray,
    k: int,
    *,
    init: np.ndarray | None = None,
    iters: int = 100,
    rng: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Functional form: Lloyd from `init` (or k-means++ seeds) for at most `iters` iterations, stopping when the
    labels stop changing -> (centers, labels, inertia)."""
    X = np.asarray(X, dtype=np.float64)
    centers = kmeans_pp_init(X, k, rng) if init is None else np.asarray(init, dtype=np.float64)
    c, labels, inertia, _ = lloyd(X, centers, max_iter=iters, tol=-1.0)
    return c, labels, inertia
