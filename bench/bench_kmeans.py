"""K-means (Lloyd): ours vs sklearn.cluster.KMeans(algorithm="lloyd"), n=100,000, d=32, k=16, same initial centres,
same number of iterations, one thread each (threadpoolctl limits BLAS and OpenMP)."""

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans as SkKMeans
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.classical.kmeans import lloyd


def best_of(fn, repeats=3):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    n, d, k, iters = 100_000, 32, 16, 20
    X = rng.normal(size=(n, d)) + 3 * rng.normal(size=(k, d))[rng.integers(k, size=n)]
    init = X[rng.choice(n, k, replace=False)]
    with threadpool_limits(1):
        ours_out = lloyd(X, init, max_iter=iters, tol=-1.0)  # tol < 0: never stop on the shift
        sk = SkKMeans(k, init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd").fit(X)
        t_ours = best_of(lambda: lloyd(X, init, max_iter=iters, tol=-1.0))
        t_sk = best_of(lambda: SkKMeans(k, init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd").fit(X))
    print(
        f"kmeans n={n} d={d} k={k}: iterations ours {ours_out[3]}, sklearn {sk.n_iter_}; "
        f"max |centre diff| {np.abs(ours_out[0] - sk.cluster_centers_).max():.2e}"
    )
    print(f"ours {t_ours * 1e3:9.1f} ms   sklearn {t_sk * 1e3:9.1f} ms   ours/sklearn {t_ours / t_sk:6.2f}x")


if __name__ == "__main__":
    main()
