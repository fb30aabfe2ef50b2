"""BPE on taylorswift.txt, vocab 512: incremental vs recount-every-merge training; encoding vs tiktoken (same ranks)."""

import sys
import time
from pathlib import Path

import tiktoken

try:
    import mldrill  # noqa: F401  (installed: use it; else run from a checkout)
except ModuleNotFoundError:  # running from a source checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.bpe import BPETokenizer, train_bpe_naive


def best_of(fn, repeats: int = 5) -> float:
    """Best wall time in seconds over `repeats` runs, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_file(name: str) -> Path | None:
    """../shared/bench-data/<name> next to the repository root or the current directory, if present."""
    for root in (Path(__file__).resolve().parents[2] / "shared" / "bench-data", Path("../shared/bench-data")):
        if (root / name).is_file():
            return root / name
    return None


def main() -> None:
    path = bench_file("taylorswift.txt")
    if path is None:
        print("skipped: ../shared/bench-data/taylorswift.txt not found")
        return
    text = path.read_text(encoding="utf-8")
    print(f"{path.name}: {len(text):,} characters, vocab 512, GPT-4 split pattern")
    t = time.perf_counter()
    tok = BPETokenizer().train(text, 512)
    t_fast = time.perf_counter() - t
    t = time.perf_counter()
    naive = train_bpe_naive(text, 512)
    t_naive = time.perf_counter() - t
    assert naive == tok.merges, "incremental and recount trainers disagree"
    print(f"train: incremental {t_fast:.2f} s, recount-every-merge {t_naive:.2f} s, ratio {t_naive / t_fast:.1f}x")
    enc = tiktoken.Encoding("bench", pat_str=tok.pattern, mergeable_ranks=tok.mergeable_ranks(), special_tokens={})
    assert tok.encode(text) == enc.encode_ordinary(text)

    def ours_cold() -> None:
        tok._cache.clear()  # without the chunk cache: every pre-token merged from bytes
        tok.encode_ordinary(text)

    t_ours = best_of(ours_cold, 3)
    t_tik = best_of(lambda: enc.encode_ordinary(text), 3)
    print(f"encode: ours {t_ours * 1e3:.1f} ms, tiktoken {t_tik * 1e3:.1f} ms, ours/tiktoken {t_ours / t_tik:.1f}x")
    n_tokens = len(enc.encode_ordinary(text))
    print(f"tokens: {n_tokens:,} ({len(text.encode()) / n_tokens:.2f} bytes/token)")


if __name__ == "__main__":
    main()
