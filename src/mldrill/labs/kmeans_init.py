"""K-means++ vs random initialisation: the final inertia over many seeds on a grid of well-separated blobs."""

from __future__ import annotations

import numpy as np

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.classical.kmeans import KMeans

TITLE = "K-means++ vs random starts"
AREA = "classical-ml"
TOPICS = ["clustering"]
SETTLES = ["clustering/kmeans-plus-plus"]
SECONDS = 0.4
PARAMS = {
    "k": Int(4, 25, default=16, help="clusters (blobs on a square grid, k rounded down to a square)"),
    "runs": Int(10, 300, default=60, help="seeds per method"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="16 well-separated blobs, one Lloyd run per seed. How often does random initialisation end in the best "
    "(true) partition, compared with k-means++?",
    choices=("about as often", "much less often", "more often"),
    answer=1,
    why="Random starts often put two centres in one blob and none in another; Lloyd cannot move a centre across.",
)


def run(k: int = 16, runs: int = 60, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    side = int(np.sqrt(k))
    k = side * side
    centers = np.array([[i * 6.0, j * 6.0] for i in range(side) for j in range(side)])
    labels = rng.integers(0, k, 40 * k)
    X = centers[labels] + rng.standard_normal((40 * k, 2))
    # the WCSS of the generating partition (each blob around its own mean): the optimum sits at or just below it
    truth = float(sum(((X[labels == j] - X[labels == j].mean(0)) ** 2).sum() for j in range(k) if (labels == j).any()))
    res = {}
    for init in ("random", "k-means++"):
        res[init] = [KMeans(k, init=init, n_init=1, random_state=seed * 1000 + r).fit(X).inertia_ for r in range(runs)]
    best = min(min(v) for v in res.values())
    hit = {m: float(np.mean(np.array(v) <= best * 1.001)) for m, v in res.items()}
    fig, ax = figure()
    bins = np.linspace(best * 0.98, max(max(v) for v in res.values()) * 1.02, 30)
    for m, color in (("random", "#b45309"), ("k-means++", "#2563eb")):
        ax.hist(res[m], bins=bins, alpha=0.7, color=color, label=f"{m}: optimum in {hit[m]:.0%} of runs")
    ax.set_xlabel("final inertia (within-cluster sum of squares)")
    ax.set_ylabel("runs")
    ax.set_title(f"{k} blobs, one Lloyd run per seed")
    ax.legend(fontsize=8.5)
    rows = [[m, float(np.median(v)), float(np.max(v)), hit[m]] for m, v in res.items()]
    alt = (
        f"Histograms of final k-means inertia over {runs} seeds: k-means++ reaches the best partition in "
        f"{hit['k-means++']:.0%} of runs, random initialisation in {hit['random']:.0%}, with a long tail of bad optima."
    )
    text = (
        "Lloyd's algorithm only moves centres locally, so where they start decides which local optimum it ends in. "
        "Random starts often double up in one blob and leave another empty; k-means++ spreads the first centres "
        "(each drawn with probability ∝ squared distance), so one run usually lands on the right partition."
    )
    cols = ["init", "median inertia", "worst inertia", "share at the optimum"]
    fig_out = draw(fig, alt=alt, title="K-means initialisation", table=table(cols, rows))
    return LabResult([fig_out], {"inertia": res, "hit": hit, "best": best, "truth": truth}, text)
