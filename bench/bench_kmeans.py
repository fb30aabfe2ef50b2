"""K-means (Lloyd): ours vs sklearn.cluster.KMeans(algorithm="lloyd"), n=100,000, d=32, k=16, same initial centres,
same number of iterations, one thread each (threadpoolctl limits BLAS and OpenMP), timed in interleaved rounds.
Target (issue #16): ours/sklearn <= 1.5x."""

import sys
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans as SkKMeans
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import interleaved, ratio_line

from mldrill.ref.classical.kmeans import lloyd


def main() -> None:
    rng = np.random.default_rng(0)
    n, d, k, iters = 100_000, 32, 16, 20
    X = rng.normal(size=(n, d)) + 3 * rng.normal(size=(k, d))[rng.integers(k, size=n)]
    init = X[rng.choice(n, k, replace=False)]
    with threadpool_limits(1):
        ours_out = lloyd(X, init, max_iter=iters, tol=-1.0)  # tol < 0: never stop on the shift
        sk = SkKMeans(k, init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd").fit(X)
        times = interleaved(
            {
                "ours": lambda: lloyd(X, init, max_iter=iters, tol=-1.0),
                "sklearn": lambda: SkKMeans(k, init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd").fit(X),
            },
            rounds=9,
        )
    print(
        f"kmeans n={n} d={d} k={k}: iterations ours {ours_out[3]}, sklearn {sk.n_iter_}; "
        f"max |centre diff| {np.abs(ours_out[0] - sk.cluster_centers_).max():.2e}"
    )
    print(ratio_line(f"lloyd {iters} iterations, 1 thread", times, "ours", "sklearn"))


if __name__ == "__main__":
    main()
