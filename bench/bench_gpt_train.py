"""GPT training ms/iter: mldrill.ref.gpt against nanoGPT's model.py (the named peer), same config, interleaved steps.

Both models get the same batches, the same AdamW settings (fused on CUDA, as nanoGPT's configure_optimizers does),
the same gradient clipping and the same step function; steps alternate between the two models (and which goes
first), so drift in the machine's speed hits both. On CUDA the forward runs under bf16 autocast, as nanoGPT's
train.py does. `--compile` wraps both models in torch.compile. Also prints mldrill's readable attention path vs its
SDPA path on CPU.

    python bench/bench_gpt_train.py                    # CPU, nanoGPT's small shakespeare_char-like config, 1 thread
    python bench/bench_gpt_train.py --device cuda      # GPT-2 small (124M) shapes, batch 16 x 1024, bf16 autocast
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch

try:
    import mldrill  # noqa: F401  (installed: use it; else run from a checkout)
except ModuleNotFoundError:  # running from a source checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.gpt import GPT, GPTConfig
from mldrill.ref.training import clip_grad_norm

SHARED = [Path(__file__).resolve().parents[2] / "shared", Path("../shared")]


def shared_file(*parts: str) -> Path | None:
    for root in SHARED:
        if root.joinpath(*parts).exists():
            return root.joinpath(*parts)
    return None


def load_nanogpt() -> Any | None:
    path = shared_file("bench-peers", "nanogpt_model.py")
    if path is None:
        return None
    spec = importlib.util.spec_from_file_location("nanogpt_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def step(model: Any, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor, device: str) -> None:
    amp = torch.autocast("cuda", dtype=torch.bfloat16) if device == "cuda" else contextlib.nullcontext()
    with amp:
        _, loss = model(x, y)
    loss.backward()
    clip_grad_norm(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--compile", action="store_true")
    args = ap.parse_args()
    device = ("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device
    nano = load_nanogpt()
    if nano is None:
        print("skipped: peer not found (../shared/bench-peers/nanogpt_model.py)")
        return
    if device == "cpu":
        torch.set_num_threads(1)
        shape = dict(block_size=64, vocab_size=65, n_layer=4, n_head=4, n_embd=128)
        batch = 12
    else:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        shape = dict(block_size=1024, vocab_size=50304, n_layer=12, n_head=12, n_embd=768)
        batch = 16
    print(f"{device}: {shape}, batch {batch}, AdamW (fused on CUDA), clip 1.0, compile={args.compile}")
    torch.manual_seed(0)
    ours = GPT(GPTConfig(**shape, bias=False, dropout=0.0), generator=torch.Generator().manual_seed(0)).to(device)
    with contextlib.redirect_stdout(None):  # nanoGPT prints its parameter counts
        theirs = nano.GPT(nano.GPTConfig(**shape, bias=False, dropout=0.0)).to(device)
        opt_theirs = theirs.configure_optimizers(0.1, 6e-4, (0.9, 0.95), device)
    opt_ours = ours.configure_optimizer(weight_decay=0.1, learning_rate=6e-4, betas=(0.9, 0.95))
    models = {"mldrill": (ours, opt_ours), "nanoGPT": (theirs, opt_theirs)}
    if args.compile:
        models = {k: (torch.compile(m), o) for k, (m, o) in models.items()}
    g = torch.Generator().manual_seed(0)
    times: dict[str, list[float]] = {k: [] for k in models}
    for i in range(args.steps):
        x = torch.randint(0, shape["vocab_size"], (batch, shape["block_size"]), generator=g).to(device)
        y = torch.randint(0, shape["vocab_size"], (batch, shape["block_size"]), generator=g).to(device)
        order = list(models) if i % 2 == 0 else list(reversed(models))
        for name in order:
            model, opt = models[name]
            sync(device)
            t = time.perf_counter()
            step(model, opt, x, y, device)
            sync(device)
            times[name].append(time.perf_counter() - t)
    warm = max(3, args.steps // 5)
    med = {k: statistics.median(v[warm:]) for k, v in times.items()}
    for k, v in med.items():
        print(f"{k:>8}: {v * 1e3:8.2f} ms/iter (median of {args.steps - warm}, min {min(times[k][warm:]) * 1e3:.2f})")
    print(f"mldrill / nanoGPT: {med['mldrill'] / med['nanoGPT']:.3f}")
    if device == "cpu":
        readable_vs_sdpa(shape, batch, g)


def readable_vs_sdpa(shape: dict[str, int], batch: int, g: torch.Generator) -> None:
    res = {}
    for impl in ("readable", "sdpa"):
        model = GPT(GPTConfig(**shape, bias=False, attn_impl=impl), generator=torch.Generator().manual_seed(0))
        opt = model.configure_optimizer(weight_decay=0.1, learning_rate=1e-3)
        ts = []
        for _ in range(20):
            x = torch.randint(0, shape["vocab_size"], (batch, shape["block_size"]), generator=g)
            t = time.perf_counter()
            step(model, opt, x, x, "cpu")
            ts.append(time.perf_counter() - t)
        res[impl] = statistics.median(ts[5:])
    print(f"readable attention / sdpa: {res['readable'] / res['sdpa']:.2f}")


if __name__ == "__main__":
    main()
