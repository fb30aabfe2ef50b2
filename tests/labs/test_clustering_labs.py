"""clustering/kmeans-failure-modes and the k-means++ advantage, on the labs' numbers."""

from mldrill.labs import kmeans_init, kmeans_vs_gmm


def test_kmeans_optimum_is_the_wrong_partition_on_sheared_blobs() -> None:
    n = kmeans_vs_gmm.run(stretch=4.0, gap=4.0, n=450, seed=0).numbers
    assert n["k-means"]["inertia"] < n["truth"]["inertia"]  # restarts cannot fix it: the objective prefers the cut
    assert n["GMM (full)"]["accuracy"] > 0.9 > n["k-means"]["accuracy"] + 0.05


def test_kmeans_plusplus_finds_the_optimum_more_often() -> None:
    """clustering/kmeans-plus-plus: random starts often end in a worse local optimum, D^2 seeding mostly does not.
    The best run is the true partition: its WCSS is at most that of the generating blobs and within 5% of it (tail
    points cross to a neighbour's side), while any wrong partition merges two blobs 6 apart, +9 per point of ~80."""
    n = kmeans_init.run(k=9, runs=30, seed=0).numbers
    assert n["truth"] * 0.95 < n["best"] <= n["truth"]
    assert n["hit"]["k-means++"] > n["hit"]["random"] + 0.2
    assert max(n["inertia"]["random"]) > 1.5 * n["best"]  # a doubled-up start: two blobs share one centre
