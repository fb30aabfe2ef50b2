"""Train your own GPT (the capstone): BPE trained on mldrill's own card text, a small GPT trained on the tokens,
its loss against the unigram entropy (what a model that ignores context scores) and ln V (what a uniform guess
scores), then samples drawn with the KV cache, with temperature and top-p. Everything is mldrill.ref: the tokenizer
(ref.bpe), the model (ref.gpt), the training loop (ref.train_gpt) and the sampler (ref.generate).

Defaults take a few CPU minutes; `device=auto` trains on CUDA (bf16 autocast, fused AdamW) or MPS when present.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import torch

from mldrill.labs._core import Choice, Float, Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.bpe import BPETokenizer
from mldrill.ref.generate import generate
from mldrill.ref.gpt import GPT, GPTConfig
from mldrill.ref.train_gpt import TrainConfig, package_corpus, resolve_device, train, unigram_entropy

TITLE = "Train your own GPT on mldrill's text"
AREA = "llm-foundations-scaling"
TOPICS = ["pretraining-practice", "llm-lineage-capabilities"]
SETTLES = ["llm-lineage-capabilities/initial-loss-debug", "kv-cache-serving/what-is-kv-cache"]
SECONDS = 72.1
CONTENT = Path(__file__).resolve().parent.parent / "content"
PARAMS = {
    "merges": Int(0, 2000, default=256, help="BPE merges (vocabulary = 256 bytes + merges)"),
    "text_kb": Int(20, 4000, default=600, help="kilobytes of card text to train on"),
    "n_layer": Int(1, 8, default=3, help="transformer blocks"),
    "n_embd": Int(32, 384, default=128, help="model width (4 heads)"),
    "block_size": Int(16, 256, default=64, help="context length in tokens"),
    "iters": Int(10, 20000, default=800, help="optimizer steps"),
    "temperature": Float(0.0, 2.0, default=0.8, help="sampling temperature (0 = greedy)"),
    "top_p": Float(0.05, 1.0, default=0.9, help="nucleus sampling mass"),
    "device": Choice(("cpu", "auto"), default="cpu", help="auto: CUDA or Apple MPS when present"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="Before any training step, what loss does a freshly initialised GPT have on its V-token vocabulary?",
    choices=("about 0", "about ln V: a near-uniform guess", "about the unigram entropy of the text"),
    answer=1,
    why="Small initial weights give near-equal logits, so every token gets about 1/V: loss ln V.",
)


def corpus(kb: int) -> str:
    return package_corpus(CONTENT, patterns=("*.yaml",))[: kb * 1024]


def run(
    merges: int = 256,
    text_kb: int = 600,
    n_layer: int = 3,
    n_embd: int = 128,
    block_size: int = 64,
    iters: int = 800,
    temperature: float = 0.8,
    top_p: float = 0.9,
    device: str = "cpu",
    seed: int = 0,
) -> LabResult:
    seeded(seed)
    dev = resolve_device(device)
    text = corpus(text_kb)
    tok = BPETokenizer().train(text[: 200 * 1024], 256 + merges)  # merges learned on the first 200 KB
    ids = torch.tensor(tok.encode_ordinary(text), dtype=torch.long)
    n = int(0.9 * len(ids))
    train_ids, val_ids = ids[:n], ids[n:]
    vocab = 256 + merges
    h_unigram = unigram_entropy(val_ids)
    cfg = GPTConfig(block_size=block_size, vocab_size=vocab, n_layer=n_layer, n_head=4, n_embd=n_embd, dropout=0.0,
                    bias=False)  # fmt: skip
    model = GPT(cfg, generator=torch.Generator().manual_seed(seed)).to(dev)
    t0 = time.perf_counter()
    res = train(model, train_ids, val_ids, TrainConfig(max_iters=iters, batch_size=16, warmup_iters=min(50, iters // 5),
                                                       eval_iters=10, seed=seed))  # fmt: skip
    train_s = time.perf_counter() - t0
    model.eval()
    prompt = val_ids[:8][None].to(dev)
    n_new = block_size - 8
    timing = {}
    outs = {}
    for use_cache in (True, False):
        t0 = time.perf_counter()
        outs[use_cache] = generate(model, prompt, n_new, temperature=0.0, use_cache=use_cache)
        timing["with KV cache" if use_cache else "without"] = time.perf_counter() - t0
    same_greedy = bool(torch.equal(outs[True], outs[False]))
    sample = generate(model, prompt, n_new, temperature=temperature, top_p=top_p, use_cache=True,
                      generator=torch.Generator().manual_seed(seed))  # fmt: skip
    sample_text = tok.decode(sample[0].tolist())
    losses = res.train_losses
    fig, ax = figure(height=3.6)
    window = max(1, len(losses) // 40)
    smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
    ax.plot(range(window, len(losses) + 1), smooth, label="train loss")
    ax.axhline(math.log(vocab), color="#b91c1c", ls="--", lw=1, label=f"ln V = {math.log(vocab):.2f}")
    ax.axhline(h_unigram, color="#b45309", ls=":", lw=1.4, label=f"unigram entropy {h_unigram:.2f}")
    ax.plot([len(losses)], [res.val_loss], "o", color="#15803d", label=f"val loss {res.val_loss:.2f}")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("nats per token")
    ax.set_title(f"{model.num_params():,}-parameter GPT, {len(ids):,} BPE tokens, on {dev.type}")
    ax.legend(fontsize=8.5)
    rows: list[list[object]] = [
        ["tokens (train / val)", f"{len(train_ids):,} / {len(val_ids):,}"],
        ["bytes per token", len(text.encode()) / len(ids)],
        ["first loss / ln V", f"{losses[0]:.3f} / {math.log(vocab):.3f}"],
        ["final val loss / unigram entropy", f"{res.val_loss:.3f} / {h_unigram:.3f}"],
        ["training seconds", train_s],
        ["greedy decode with / without KV cache (s)", f"{timing['with KV cache']:.3f} / {timing['without']:.3f}"],
        ["cached decode equals uncached", same_greedy],
        [f"sample (T = {temperature:g}, top-p = {top_p:g})", sample_text],
    ]
    alt = (
        f"Training loss of a small GPT on mldrill's card text: it starts at {losses[0]:.2f}, about ln V = "
        f"{math.log(vocab):.2f}, falls through the unigram entropy {h_unigram:.2f} and ends with validation loss "
        f"{res.val_loss:.2f} nats per token after {iters} steps."
    )
    text_out = (
        "A fresh GPT guesses uniformly (loss ≈ ln V). It first learns token frequencies (the unigram entropy line), "
        "then context: every bit below that line is something it learned from the previous tokens. The KV cache "
        "gives the same tokens as recomputing the window, faster; temperature and top-p shape the sample."
    )
    fig_out = draw(fig, alt=alt, title="Your GPT's loss", table=table(["quantity", "value"], rows))
    numbers = {
        "losses": losses, "val_loss": res.val_loss, "unigram_entropy": h_unigram, "ln_v": math.log(vocab),
        "same_greedy": same_greedy, "timing": timing, "sample": sample_text, "device": dev.type,
    }  # fmt: skip
    return LabResult([fig_out], numbers, text_out)
