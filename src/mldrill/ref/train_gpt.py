"""Train a small character-level GPT on mldrill's own source text: `python -m mldrill.ref.train_gpt`.

The GPT recipe (Radford et al., 2019; nanoGPT's train.py): next-token cross-entropy with the targets shifted by one,
AdamW (weight decay on matrices only, betas (0.9, 0.95)), linear warmup then cosine decay to min_lr, gradient
accumulation (each micro-batch loss divided by the number of steps, so the sum of gradients is the big batch's mean),
global-norm gradient clipping at 1.0, and checkpoints that hold the model, the optimizer state, the iteration and
every RNG state, so that a resumed run continues bit-identically. `--device auto` trains on CUDA (bf16 autocast, the
fused AdamW) or Apple's MPS when present; batches are drawn on the CPU and moved, so every device sees the same data.

The corpus is the text of this package's own files (*.py, *.yaml, *.md under src/mldrill, found through
Path(__file__)), nothing from outside it. A model that learned nothing scores the corpus's unigram entropy (nats per
character, the loss of predicting every character from its frequency alone); the command prints both numbers, and the
initial loss is about ln V. Tested on a tiny config in tests/ref/test_train_gpt.py.
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from mldrill.ref.gpt import GPT, GPTConfig
from mldrill.ref.training import clip_grad_norm  # one implementation, shared with the training-loop module


@dataclass
class TrainConfig:
    max_iters: int = 1200
    batch_size: int = 12
    grad_accum: int = 1
    learning_rate: float = 1e-3
    min_lr: float = 1e-4
    warmup_iters: int = 50
    lr_decay_iters: int | None = None  # None: max_iters
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    eval_interval: int = 200
    eval_iters: int = 20
    seed: int = 1337


@dataclass
class TrainResult:
    iters: int
    train_losses: list[float] = field(default_factory=list)  # one per optimizer step
    val_loss: float = math.nan


# ---- data


def package_corpus(root: Path | None = None, patterns: Sequence[str] = ("*.py", "*.yaml", "*.md")) -> str:
    """The concatenated text of the package's own files, in sorted path order (deterministic)."""
    root = root or Path(__file__).resolve().parent.parent  # src/mldrill
    paths = sorted(p for pat in patterns for p in root.rglob(pat) if "__pycache__" not in p.parts)
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in paths)


class CharTokenizer:
    def __init__(self, text: str) -> None:
        self.chars = sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.chars)}

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, s: str) -> torch.Tensor:
        return torch.tensor([self.stoi[c] for c in s], dtype=torch.long)

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.chars[i] for i in ids)


def unigram_entropy(ids: torch.Tensor) -> float:
    """H = -sum_c p(c) ln p(c) in nats: the loss of the best model that ignores context."""
    counts = torch.tensor(list(Counter(ids.tolist()).values()), dtype=torch.float64)
    p = counts / counts.sum()
    return float(-(p * p.log()).sum())


def get_batch(
    data: torch.Tensor, block_size: int, batch_size: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    ix = torch.randint(len(data) - block_size, (batch_size,), generator=generator)  # (B,)
    x = torch.stack([data[i : i + block_size] for i in ix.tolist()])  # (B, T)
    y = torch.stack([data[i + 1 : i + 1 + block_size] for i in ix.tolist()])  # (B, T): shifted by one
    return x, y


# ---- devices


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' picks CUDA, then Apple's MPS, then the CPU; any other name is passed to torch.device."""
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def _autocast(device: torch.device) -> Any:
    """bf16 autocast on CUDA (matmuls in bf16, reductions in fp32); nothing elsewhere."""
    import contextlib

    return torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else contextlib.nullcontext()


# ---- the pieces of a step


def get_lr(it: int, *, max_lr: float, min_lr: float, warmup_iters: int, lr_decay_iters: int) -> float:
    """Linear warmup to max_lr over warmup_iters, cosine decay to min_lr at lr_decay_iters, then min_lr."""
    if it < warmup_iters:
        return max_lr * (it + 1) / warmup_iters
    if it >= lr_decay_iters:
        return min_lr
    ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (max_lr - min_lr)


def train_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    micro_batches: Sequence[tuple[torch.Tensor, torch.Tensor]],
    *,
    lr: float,
    grad_clip: float,
) -> float:
    """One optimizer step over len(micro_batches) accumulated micro-batches. Returns the mean loss."""
    for group in optimizer.param_groups:
        group["lr"] = lr
    total = 0.0
    device = next(model.parameters()).device
    for x, y in micro_batches:
        with _autocast(device):
            _, loss = model(x.to(device, non_blocking=True), y.to(device, non_blocking=True))
        (loss / len(micro_batches)).backward()  # the sum over micro-steps is the mean over the whole batch
        total += float(loss.detach()) / len(micro_batches)
    if grad_clip > 0:
        clip_grad_norm(model.parameters(), grad_clip)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return total


@torch.no_grad()
def estimate_loss(model: nn.Module, data: torch.Tensor, *, block_size: int, batch_size: int, iters: int) -> float:
    """Mean loss over `iters` batches drawn with a fixed seed (the same batches every call)."""
    was_training = model.training
    model.eval()
    g = torch.Generator().manual_seed(0)
    device = next(model.parameters()).device
    losses = []
    for _ in range(iters):
        x, y = get_batch(data, block_size, batch_size, g)
        with _autocast(device):
            losses.append(float(model(x.to(device), y.to(device))[1]))
    model.train(was_training)
    return sum(losses) / len(losses)


# ---- checkpoints


def save_checkpoint(
    path: str | Path, model: nn.Module, optimizer: torch.optim.Optimizer, it: int, generator: torch.Generator
) -> None:
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "iter": it,
            "data_rng": generator.get_state(),
            "torch_rng": torch.get_rng_state(),  # dropout draws from the global generator
        },
        path,
    )


def load_checkpoint(
    path: str | Path, model: nn.Module, optimizer: torch.optim.Optimizer, generator: torch.Generator
) -> int:
    ckpt = torch.load(path, weights_only=True)
    model.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    generator.set_state(ckpt["data_rng"])
    torch.set_rng_state(ckpt["torch_rng"])
    return int(ckpt["iter"])


# ---- the loop


def train(
    model: GPT,
    train_data: torch.Tensor,
    val_data: torch.Tensor,
    cfg: TrainConfig,
    *,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    stop_at: int | None = None,
    progress: bool = False,
) -> TrainResult:
    """Train for cfg.max_iters optimizer steps (or until `stop_at`), saving a checkpoint at the end when asked.

    resume=True continues from `checkpoint`; the result is bit-identical to an uninterrupted run.
    """
    block_size = model.config.block_size
    fused = next(model.parameters()).device.type == "cuda"  # the fused AdamW kernel: one launch for all params
    optimizer = model.configure_optimizer(weight_decay=cfg.weight_decay, learning_rate=cfg.learning_rate, fused=fused)
    gen = torch.Generator().manual_seed(cfg.seed)
    start = load_checkpoint(checkpoint, model, optimizer, gen) if resume and checkpoint else 0
    end = min(cfg.max_iters, stop_at) if stop_at is not None else cfg.max_iters
    decay = cfg.lr_decay_iters or cfg.max_iters
    result = TrainResult(iters=start)

    def evaluate() -> float:
        return estimate_loss(model, val_data, block_size=block_size, batch_size=cfg.batch_size, iters=cfg.eval_iters)

    bar = _progress(progress, end - start)
    model.train()
    for it in range(start, end):
        lr = get_lr(
            it, max_lr=cfg.learning_rate, min_lr=cfg.min_lr, warmup_iters=cfg.warmup_iters, lr_decay_iters=decay
        )
        batches = [get_batch(train_data, block_size, cfg.batch_size, gen) for _ in range(cfg.grad_accum)]
        loss = train_step(model, optimizer, batches, lr=lr, grad_clip=cfg.grad_clip)
        result.train_losses.append(loss)
        result.iters = it + 1
        if bar is not None:
            bar.update(1, loss=loss)
            if cfg.eval_interval and (it + 1) % cfg.eval_interval == 0:
                val = estimate_loss(
                    model, val_data, block_size=block_size, batch_size=cfg.batch_size, iters=cfg.eval_iters
                )
                bar.log(f"iter {it + 1}: train loss {loss:.4f}, val loss {val:.4f}")
    if bar is not None:
        bar.close()
    result.val_loss = estimate_loss(
        model, val_data, block_size=block_size, batch_size=cfg.batch_size, iters=cfg.eval_iters
    )
    if checkpoint is not None:
        save_checkpoint(checkpoint, model, optimizer, result.iters, gen)
    return result


class _Bar:
    """A rich progress bar showing the latest loss."""

    def __init__(self, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("training"), BarColumn(), MofNCompleteColumn(), TextColumn("loss {task.fields[loss]:.4f}"),
            TimeRemainingColumn(),
        )  # fmt: skip
        self.task = self.progress.add_task("train", total=total, loss=float("nan"))
        self.progress.start()

    def update(self, n: int, *, loss: float) -> None:
        self.progress.update(self.task, advance=n, loss=loss)

    def log(self, msg: str) -> None:
        self.progress.console.print(msg)

    def close(self) -> None:
        self.progress.stop()


def _progress(enabled: bool, total: int) -> _Bar | None:
    return _Bar(total) if enabled else None


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--max-iters", type=int, default=TrainConfig.max_iters)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=128)
    ap.add_argument("--block-size", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=12)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--device", default="auto", help="auto (CUDA, then MPS, then CPU), cpu, cuda, mps")
    ap.add_argument("--checkpoint", type=Path, default=None, help="where to save the final checkpoint")
    ap.add_argument("--sample", type=int, default=200, help="characters to sample at the end (0: none)")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    text = package_corpus()
    tok = CharTokenizer(text)
    data = tok.encode(text)
    n = int(0.9 * len(data))
    train_data, val_data = data[:n], data[n:]
    torch.manual_seed(1337)
    cfg = GPTConfig(
        block_size=args.block_size, vocab_size=tok.vocab_size, n_layer=args.n_layer, n_head=args.n_head,
        n_embd=args.n_embd, dropout=0.0, bias=False,
    )  # fmt: skip
    device = resolve_device(args.device)
    model = GPT(cfg, generator=torch.Generator().manual_seed(1337)).to(device)
    tcfg = TrainConfig(max_iters=args.max_iters, batch_size=args.batch_size)
    h_unigram = unigram_entropy(val_data)
    print(f"corpus: {len(data):,} characters from the package's own files, vocab {tok.vocab_size}; device {device}")
    print(
        f"model: {model.num_params():,} parameters; initial loss should be about ln V = {math.log(tok.vocab_size):.3f}"
    )
    t0 = time.perf_counter()
    res = train(model, train_data, val_data, tcfg, checkpoint=args.checkpoint, progress=True)
    wall = time.perf_counter() - t0
    print(f"val loss {res.val_loss:.4f} nats/char vs unigram entropy {h_unigram:.4f} nats/char; {wall:.1f} s")
    if args.sample:
        from mldrill.ref.generate import generate

        model.eval()
        out = generate(model, val_data[:16][None].to(device), args.sample, temperature=0.8, top_k=20, use_cache=False,
                       generator=torch.Generator().manual_seed(0))  # fmt: skip
        print("sample:\n" + tok.decode(out[0].tolist()))
    return {"val_loss": res.val_loss, "unigram_entropy": h_unigram, "wall_s": wall, "config": asdict(tcfg),
            "device": str(device)}  # fmt: skip


if __name__ == "__main__":
    main()
