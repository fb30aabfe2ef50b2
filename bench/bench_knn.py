"""KNN prediction: ours (vectorized distances + argsort) vs sklearn KNeighborsClassifier(algorithm="brute"),
20,000 training points, 2,000 queries, d=32, k=5, one thread each."""

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.classical.knn import KNNClassifier


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
    X, y = rng.normal(size=(20_000, 32)), rng.integers(0, 10, 20_000)
    Xq = rng.normal(size=(2_000, 32))
    ours = KNNClassifier(n_neighbors=5).fit(X, y)
    sk = KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(X, y)
    with threadpool_limits(1):
        agree = (ours.predict(Xq) == sk.predict(Xq)).mean()
        t_ours = best_of(lambda: ours.predict(Xq))
        t_sk = best_of(lambda: sk.predict(Xq))
    print(f"knn predict 2000 x 20000, d=32, k=5: agreement {agree:.4f}")
    print(f"ours {t_ours * 1e3:9.1f} ms   sklearn {t_sk * 1e3:9.1f} ms   ours/sklearn {t_ours / t_sk:6.2f}x")


if __name__ == "__main__":
    main()
