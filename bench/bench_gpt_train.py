"""GPT training ms/iter at nanoGPT's small CPU config, char-level tinyshakespeare: readable attention vs SDPA path."""

import sys
import time
from pathlib import Path

import torch

try:
    import mldrill  # noqa: F401  (installed: use it; else run from a checkout)
except ModuleNotFoundError:  # running from a source checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.gpt import GPT, GPTConfig
from mldrill.ref.train_gpt import CharTokenizer, get_batch, train_step


def bench_file(name: str) -> Path | None:
    """../shared/bench-data/<name> next to the repository root or the current directory, if present."""
    for root in (Path(__file__).resolve().parents[2] / "shared" / "bench-data", Path("../shared/bench-data")):
        if (root / name).is_file():
            return root / name
    return None


def main() -> None:
    path = bench_file("tinyshakespeare.txt")
    if path is None:
        print("skipped: ../shared/bench-data/tinyshakespeare.txt not found")
        return
    torch.set_num_threads(1)
    text = path.read_text(encoding="utf-8")
    tok = CharTokenizer(text)
    data = tok.encode(text)
    print("n_layer=4 n_head=4 n_embd=128 block_size=64 batch 12, char-level, AdamW, 1 thread; best of 20 steps")
    res = {}
    for impl in ("readable", "sdpa"):
        cfg = GPTConfig(block_size=64, vocab_size=tok.vocab_size, n_layer=4, n_head=4, n_embd=128, bias=False,
                        attn_impl=impl)  # fmt: skip
        model = GPT(cfg, generator=torch.Generator().manual_seed(0))
        opt = model.configure_optimizer(weight_decay=0.1, learning_rate=1e-3)
        g = torch.Generator().manual_seed(0)
        times = []
        for _ in range(25):
            batch = get_batch(data, 64, 12, g)
            t = time.perf_counter()
            train_step(model, opt, [batch], lr=1e-3, grad_clip=1.0)
            times.append(time.perf_counter() - t)
        res[impl] = min(times[5:])
        print(f"{impl:>9}: {res[impl] * 1e3:.1f} ms/iter (median {sorted(times[5:])[10] * 1e3:.1f})")
    print(f"readable/sdpa: {res['readable'] / res['sdpa']:.2f}")


if __name__ == "__main__":
    main()
