"""BM25 scoring: ours (sparse precomputed weights) and our readable loop vs rank_bm25.BM25Okapi.get_scores,
on 50-word documents cut from ../shared/bench-data/tinyshakespeare.txt (skipped when the file is absent)."""

import sys
import time
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.retrieval.bm25 import BM25, simple_tokenize

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench-data" / "tinyshakespeare.txt"


def best_of(fn, repeats=3):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return
    words = simple_tokenize(DATA.read_text())
    corpus = [words[i : i + 50] for i in range(0, len(words) - 50, 50)]
    rng = np.random.default_rng(0)
    queries = [list(rng.choice(words, size=4)) for _ in range(100)]
    ours, ref = BM25(corpus), BM25Okapi(corpus)
    diff = max(float(np.abs(ours.get_scores(q) - ref.get_scores(q)).max()) for q in queries[:10])
    t_ours = best_of(lambda: [ours.get_scores(q) for q in queries])
    t_batch = best_of(lambda: ours.get_batch_scores(queries))
    t_read = best_of(lambda: [ours.get_scores_readable(q) for q in queries[:10]], repeats=1) * 10
    t_ref = best_of(lambda: [ref.get_scores(q) for q in queries[:10]], repeats=1) * 10
    print(f"bm25: {len(corpus)} docs, 100 queries of 4 tokens; max |score diff| {diff:.1e}")
    print(f"rank_bm25     {t_ref * 1e3:9.1f} ms")
    print(f"ours (sparse) {t_ours * 1e3:9.1f} ms   ours/rank_bm25 {t_ours / t_ref:7.3f}x")
    print(f"ours (batch)  {t_batch * 1e3:9.1f} ms   ours/rank_bm25 {t_batch / t_ref:7.3f}x")
    print(f"ours (loop)   {t_read * 1e3:9.1f} ms   ours/rank_bm25 {t_read / t_ref:7.3f}x")


if __name__ == "__main__":
    main()
