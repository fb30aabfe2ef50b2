"""K-means vs a full-covariance GMM on elongated clusters: k-means' own optimum is the wrong partition.

The GMM is started from random data points (20 restarts, best likelihood): started from k-means' partition, as
sklearn does by default, EM usually stays in it.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.classical.gmm import GaussianMixture
from mldrill.ref.classical.kmeans import KMeans

TITLE = "K-means vs GMM on elongated clusters"
AREA = "classical-ml"
TOPICS = ["clustering"]
SETTLES = ["clustering/kmeans-failure-modes"]
SECONDS = 0.5
PARAMS = {
    "stretch": Float(1.0, 6.0, default=4.0, help="std along x of each cluster (std along y is 0.5)"),
    "gap": Float(2.0, 8.0, default=4.0, help="distance between the clusters' centres along y"),
    "n": Int(150, 3000, default=600, help="points"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="K-means (k = 3, 10 restarts) splits an elongated cluster in two. Would 100 restarts fix it?",
    choices=("yes, it is a bad local optimum", "no: the wrong partition has the lower k-means objective"),
    answer=1,
    why="K-means minimises within-cluster squared distance; for stretched clusters the split scores better.",
)


def blobs(n: int, stretch: float, gap: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three parallel, elongated Gaussian clusters stacked along y."""
    y = rng.integers(0, 3, n)
    X = np.array([[0.0, gap * c] for c in range(3)])[y] + rng.standard_normal((n, 2)) * np.array([stretch, 0.5])
    return X, y


def best_gmm(X: np.ndarray, rng: np.random.Generator, restarts: int = 20) -> GaussianMixture:
    """Full-covariance EM from `restarts` random data points as means; keep the highest likelihood bound."""
    fits = [
        GaussianMixture(
            3, covariance_type="full", means_init=X[rng.choice(len(X), 3, replace=False)], max_iter=500
        ).fit(X)
        for _ in range(restarts)
    ]
    return max(fits, key=lambda m: m.lower_bound_)


def inertia(X: np.ndarray, labels: np.ndarray) -> float:
    """Within-cluster sum of squares of a partition (the k-means objective), each cluster at its own mean."""
    return float(sum(((X[labels == c] - X[labels == c].mean(0)) ** 2).sum() for c in np.unique(labels)))


def accuracy(y: np.ndarray, labels: np.ndarray) -> float:
    """Agreement with the truth under the best matching of cluster ids (3! permutations)."""
    return max(float((np.array(p)[labels] == y).mean()) for p in permutations(range(3)))


def run(stretch: float = 4.0, gap: float = 4.0, n: int = 600, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    X, y = blobs(n, stretch, gap, rng)
    km = KMeans(3, n_init=10, random_state=seed).fit(X)
    gl = best_gmm(X, rng).predict(X)
    res = {
        "truth": {"accuracy": 1.0, "inertia": inertia(X, y)},
        "k-means": {"accuracy": accuracy(y, km.labels_), "inertia": inertia(X, km.labels_)},
        "GMM (full)": {"accuracy": accuracy(y, gl), "inertia": inertia(X, gl)},
    }
    fig, axes = figure(3, width=7.6, height=3.0)
    colors = np.array(["#2563eb", "#b45309", "#15803d"])
    for ax, (name, labels) in zip(axes, (("truth", y), ("k-means", km.labels_), ("GMM (full)", gl)), strict=True):
        ax.scatter(X[:, 0], X[:, 1], s=4, c=colors[labels])
        ax.set_title(f"{name}: acc {res[name]['accuracy']:.2f}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal", adjustable="datalim")
    rows = [[k, v["accuracy"], v["inertia"]] for k, v in res.items()]
    alt = (
        f"Three scatter plots of elongated clusters coloured by the true labels, by k-means (accuracy "
        f"{res['k-means']['accuracy']:.2f}) and by a full-covariance GMM (accuracy "
        f"{res['GMM (full)']['accuracy']:.2f})."
        f" K-means' partition has a lower within-cluster sum of squares ({res['k-means']['inertia']:.0f}) than the "
        f"truth ({res['truth']['inertia']:.0f})."
    )
    text = (
        "K-means cuts space into Voronoi cells around centroids, which suits round clusters of similar size. On "
        "stretched clusters it cuts across them, and its objective prefers that cut to the true partition, so more "
        "restarts cannot help; a GMM with full covariances learns each ellipse."
    )
    fig_out = draw(
        fig, alt=alt, title="K-means vs GMM", table=table(["partition", "accuracy", "k-means objective"], rows)
    )
    return LabResult([fig_out], res, text)
