"""Our readable attention (ref.attention.sdpa_torch) vs torch's F.scaled_dot_product_attention, causal, forward."""

import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

try:
    import mldrill  # noqa: F401  (installed: use it; else run from a checkout)
except ModuleNotFoundError:  # running from a source checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.attention import causal_mask, sdpa_torch


def best_of(fn, repeats: int = 5) -> float:
    """Best wall time in seconds over `repeats` runs, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    torch.set_num_threads(1)
    B, nh, hs = 1, 4, 64
    print(f"causal attention forward, B={B} nh={nh} hs={hs}, float32, 1 thread, best of 3")
    print(f"{'T':>6} {'ours ms':>10} {'SDPA ms':>10} {'ours/SDPA':>10}")
    for T in (256, 512, 1024, 2048):
        g = torch.Generator().manual_seed(0)
        q, k, v = (torch.randn(B, nh, T, hs, generator=g) for _ in range(3))
        mask = causal_mask(T)
        ours = best_of(lambda q=q, k=k, v=v, m=mask: sdpa_torch(q, k, v, m), 3)
        theirs = best_of(lambda q=q, k=k, v=v: F.scaled_dot_product_attention(q, k, v, is_causal=True), 3)
        print(f"{T:>6} {ours * 1e3:>10.2f} {theirs * 1e3:>10.2f} {ours / theirs:>10.2f}")


if __name__ == "__main__":
    main()
