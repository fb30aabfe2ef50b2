"""clustering/kmeans-failure-modes and the k-means++ advantage, on the labs' numbers."""

from mldrill.labs import kmeans_init, kmeans_vs_gmm


def test_kmeans_optimum_is_the_wrong_partition_on_sheared_blobs() -> None:
    n = kmeans_vs_gmm.run(stretch=4.0, gap=4.0, n=450, seed=0).numbers
    assert n["k-means"]["inertia"] < n["truth"]["inertia"]  # restarts cannot fix it: the objective prefers the cut
    assert n["GMM (full)"]["accuracy"] > 0.9 > n["k-means"]["accuracy"] + 0.05


def test_kmeans_plusplus_finds_the_optimum_more_often() -> None:
    n = kmeans_init.run(k=9, runs=30, seed=0).numbers
    assert n["hit"]["k-means++"] > n["hit"]["random"] + 0.2
