"""Peak memory (tracemalloc) and time of the tiled flash attention vs plain attention, NumPy float64."""

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

try:
    import mldrill  # noqa: F401  (installed: use it; else run from a checkout)
except ModuleNotFoundError:  # running from a source checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.attention import sdpa
from mldrill.ref.flash import flash_attention


def peak(fn) -> tuple[int, float]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    t = time.perf_counter()
    fn()
    dt = time.perf_counter() - t
    _, p = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return p, dt


def main() -> None:
    hs, tile = 64, 128
    print(f"one head, hs={hs}, tiles {tile}x{tile}, float64; peak bytes allocated during the call (tracemalloc)")
    print(f"{'T':>6} {'plain MiB':>10} {'flash MiB':>10} {'plain/flash':>12} {'plain s':>8} {'flash s':>8}")
    for T in (512, 1024, 2048, 4096):
        rng = np.random.default_rng(0)
        q, k, v = (rng.standard_normal((1, T, hs)) for _ in range(3))
        pp, tp = peak(lambda q=q, k=k, v=v: sdpa(q, k, v))
        pf, tf = peak(lambda q=q, k=k, v=v: flash_attention(q, k, v, block_q=tile, block_k=tile))
        print(f"{T:>6} {pp / 2**20:>10.2f} {pf / 2**20:>10.2f} {pp / pf:>12.1f} {tp:>8.3f} {tf:>8.3f}")


if __name__ == "__main__":
    main()
