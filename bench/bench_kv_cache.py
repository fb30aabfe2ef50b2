"""Greedy decode tokens/s with vs without the KV cache (ref.generate), GPT n_layer=4 n_head=4 n_embd=128."""

import sys
import time
from pathlib import Path

import torch

try:
    import mldrill  # noqa: F401  (installed: use it; else run from a checkout)
except ModuleNotFoundError:  # running from a source checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.generate import generate
from mldrill.ref.gpt import GPT, GPTConfig


def main() -> None:
    torch.set_num_threads(1)
    cfg = GPTConfig(block_size=520, vocab_size=256, n_layer=4, n_head=4, n_embd=128, bias=False)
    model = GPT(cfg, generator=torch.Generator().manual_seed(0)).eval()
    prompt = torch.randint(0, 256, (1, 8), generator=torch.Generator().manual_seed(1))
    print("greedy decoding from an 8-token prompt, batch 1, 1 thread")
    print(f"{'new tokens':>10} {'cache tok/s':>12} {'no-cache tok/s':>15} {'speed-up':>9}")
    for n in (64, 128, 256, 512):
        rates = []
        for use_cache in (True, False):
            t = time.perf_counter()
            out = generate(model, prompt, n, temperature=0.0, use_cache=use_cache)
            rates.append(n / (time.perf_counter() - t))
            if use_cache:
                ref = out
            else:
                assert torch.equal(out, ref), "cache and no-cache greedy outputs differ"
        print(f"{n:>10} {rates[0]:>12.1f} {rates[1]:>15.1f} {rates[0] / rates[1]:>9.2f}")


if __name__ == "__main__":
    main()
