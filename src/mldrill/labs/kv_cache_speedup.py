"""Decoding with and without a KV cache on a small ref GPT: the same greedy tokens and logits, the wall time of each
decode step vs context length, and the matmul FLOPs per step, whose ratio (no cache / cache) is exactly t."""

from __future__ import annotations

import time

import numpy as np
import torch

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.gpt import GPT, GPTConfig
from mldrill.ref.sampling import sample
from mldrill.ref.scaling import decode_step_flops

TITLE = "KV cache: the same tokens, O(t) less work per step"
AREA = "llm-inference-efficiency"
TOPICS = ["kv-cache-serving"]
SETTLES = ["kv-cache-serving/what-is-kv-cache"]
SECONDS = 3.1
PARAMS = {
    "new_tokens": Int(8, 480, default=240, help="tokens generated after the prompt"),
    "prompt": Int(1, 32, default=16, help="prompt length (random token ids)"),
    "n_layer": Int(1, 8, default=4, help="GPT layers"),
    "n_embd": Int(32, 256, default=128, help="GPT width (4 heads)"),
    "seed": Int(0, 999, default=0, help="random seed (weights and prompt)"),
}
PREDICT = Predict(
    question="A GPT that computes logits at every position generates its 200th token. Without a KV cache, how many "
    "times the matmul FLOPs of the cached step does that step cost?",
    choices=("about 2×", "about 14× (√200)", "about 200×"),
    answer=2,
    why="Without the cache the step re-runs all t = 200 positions through every projection, MLP and the LM head, and "
    "scores a t × t attention matrix: every term is t times the cached step's (one row, t keys).",
)
VOCAB = 256


@torch.no_grad()
def decode(model: GPT, prompt: torch.Tensor, n: int, *, cached: bool) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """Greedy decoding written out: (ids (1, P + n), step logits (n, V), seconds per step)."""
    idx, feed = prompt, prompt
    cache = model.make_cache(1, prompt.size(1) + n) if cached else None
    logits_out, seconds = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        logits = model(feed if cached else idx, kv_cache=cache)[0][:, -1, :]  # (1, V): cache -> feed the new token
        nxt = sample(logits, temperature=0)  # greedy
        seconds.append(time.perf_counter() - t0)
        logits_out.append(logits[0])
        idx = torch.cat([idx, nxt[:, None]], dim=1)  # (1, t + 1)
        feed = nxt[:, None]  # (1, 1)
    return idx, torch.stack(logits_out), seconds


def rolling_median(x: np.ndarray, w: int) -> np.ndarray:
    """Each step's time replaced by the median of the w around it: one-off stalls of a shared CPU drop out."""
    pad = np.pad(x, (w // 2, w // 2), mode="edge")
    return np.median(np.lib.stride_tricks.sliding_window_view(pad, w), axis=1)


def run(new_tokens: int = 240, prompt: int = 16, n_layer: int = 4, n_embd: int = 128, seed: int = 0) -> LabResult:
    seeded(seed)
    cfg = GPTConfig(
        block_size=prompt + new_tokens, vocab_size=VOCAB, n_layer=n_layer, n_head=4, n_embd=n_embd,
        attn_impl="readable",
    )  # fmt: skip
    model = GPT(cfg, generator=torch.Generator().manual_seed(seed)).eval()
    ids = torch.randint(0, VOCAB, (1, prompt), generator=torch.Generator().manual_seed(seed + 1))
    out_c, logits_c, sec_c = decode(model, ids, new_tokens, cached=True)
    out_n, logits_n, sec_n = decode(model, ids, new_tokens, cached=False)
    same_tokens = bool(torch.equal(out_c, out_n))
    max_logit_diff = float((logits_c - logits_n).abs().max())

    ctx = list(range(prompt, prompt + new_tokens))  # context length t when each token is produced
    fl_c = [decode_step_flops(n_layer, n_embd, VOCAB, t, cached=True) for t in ctx]
    fl_n = [decode_step_flops(n_layer, n_embd, VOCAB, t, cached=False) for t in ctx]
    fl_c[0] = fl_n[0]  # the cached run's first step is the prefill: the whole prompt, like the uncached step
    total_ratio = sum(fl_n) / sum(fl_c)
    time_ratio = sum(sec_n) / sum(sec_c)

    fig, (a1, a2) = figure(2, width=7.6, height=3.8)
    for sec, color, label in ((sec_n, "#b91c1c", "no cache"), (sec_c, "#2563eb", "KV cache")):
        ms = np.array(sec[1:]) * 1e3
        a1.plot(ctx[1:], ms, lw=0.6, color=color, alpha=0.25)
        a1.plot(ctx[1:], rolling_median(ms, 9), lw=1.6, color=color, label=f"{label} (median of 9 steps)")
    a1.set_xlabel("context length t")
    a1.set_ylabel("ms per decode step")
    a1.set_title(f"Wall time (one CPU thread): {time_ratio:.1f}× in total")
    a1.legend(fontsize=8.5)
    a2.plot(ctx[1:], fl_n[1:], color="#b91c1c", label="no cache: L(24td² + 4t²d) + 2tdV")
    a2.plot(ctx[1:], fl_c[1:], color="#2563eb", label="cache: L(24d² + 4td) + 2dV")
    a2.set_yscale("log")
    a2.set_xlabel("context length t")
    a2.set_ylabel("matmul FLOPs per step")
    a2.set_title(f"FLOPs: ratio t per step, {total_ratio:.0f}× in total")
    a2.legend(fontsize=7.5)
    picks = sorted({prompt, prompt + new_tokens // 4, prompt + new_tokens // 2, prompt + new_tokens - 1})
    rows = [
        [t, sec_n[i] * 1e3, sec_c[i] * 1e3, fl_n[i], fl_c[i], fl_n[i] / fl_c[i]]
        for i, t in enumerate(ctx)
        if t in picks and i > 0
    ]
    alt = (
        f"Decoding {new_tokens} tokens after a {prompt}-token prompt with a {n_layer}-layer, width-{n_embd} GPT. "
        f"Without the cache the time per step climbs with context; with it the step time stays flat. FLOPs per step "
        f"differ by exactly the context length t, {total_ratio:.0f}× over the whole run; wall time {time_ratio:.1f}×. "
        f"Greedy tokens identical: {same_tokens}; largest logit difference {max_logit_diff:.1e}."
    )
    text = (
        "Keys and values of earlier tokens never change in a causal model, so the cache stores them and each step "
        "feeds only the newest token: one row through the weights and one row of attention scores over t keys, "
        "instead of re-running all t positions. The outputs are the same up to float rounding. The FLOP ratio is "
        "exactly t per step, and over n new tokens after a P-token prompt roughly P + n/2 (a cost-weighted mean of t); "
        "wall time gains less at this tiny size, where per-call overhead is a large share of a cached step."
    )
    cols = ["context t", "ms no cache", "ms cache", "FLOPs no cache", "FLOPs cache", "FLOP ratio"]
    fig_out = draw(fig, alt=alt, title="Decode with and without a KV cache", table=table(cols, rows))
    numbers = {
        "same_tokens": same_tokens,
        "max_logit_diff": max_logit_diff,
        "context": ctx,
        "flops_cache": fl_c,
        "flops_nocache": fl_n,
        "flop_ratio_total": total_ratio,
        "seconds_cache": sec_c,
        "seconds_nocache": sec_n,
        "time_ratio": time_ratio,
        "config": {"n_layer": n_layer, "n_embd": n_embd, "vocab_size": VOCAB, "prompt": prompt},
    }
    return LabResult([fig_out], numbers, text)
