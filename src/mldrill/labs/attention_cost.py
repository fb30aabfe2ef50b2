"""Where a transformer layer's FLOPs go: 24nd² of projections and MLP vs 4n²d of attention scores, and the n² memory."""

from __future__ import annotations

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, table
from mldrill.ref.attention import attention_cost
from mldrill.ref.scaling import forward_flops_per_layer

TITLE = "Attention cost: when does the n² term dominate?"
AREA = "attention-transformers"
TOPICS = ["attention"]
SETTLES = ["attention/complexity", "attention/flops-crossover"]
SECONDS = 0.8
PARAMS = {
    "d": Int(64, 16384, default=4096, help="model width d"),
    "n_head": Int(1, 128, default=32, help="heads h (must divide d)"),
}
PREDICT = Predict(
    question="A 7B-class layer (d = 4096) at a 4,096-token context: what share of its forward FLOPs are the "
    "attention scores QKᵀ and AV?",
    choices=("about 14 %", "about 50 %", "over 80 %: attention is quadratic"),
    answer=0,
    why="4n²d against 24nd² + 4n²d: the n² term only wins past n = 6d ≈ 24.6k tokens.",
)


def run(d: int = 4096, n_head: int = 32) -> LabResult:
    if d % n_head:
        from mldrill.labs._core import LabError

        raise LabError(f"n_head: {n_head} does not divide d = {d}")
    ns = [2**k for k in range(7, 18)]
    share, score_gib = [], []
    for n in ns:
        c = attention_cost(n, d, n_head)
        total = forward_flops_per_layer(n, d)
        share.append(c.score_flops / total)
        score_gib.append(c.score_memory * 2 / 2**30)  # fp16 weights kept for the backward
    crossover = 6 * d
    fig, (a1, a2) = figure(2, width=7.4, height=3.5)
    a1.plot(ns, share, marker="o", ms=3)
    a1.axvline(crossover, color="#b45309", ls="--", lw=1)
    a1.axhline(0.5, color="#6b7280", ls=":", lw=1)
    a1.text(crossover, 0.05, " n = 6d", color="#b45309", fontsize=9)
    a1.set_xscale("log", base=2)
    a1.set_xlabel("sequence length n")
    a1.set_ylabel("share of layer FLOPs in QKᵀ, AV")
    a1.set_title(f"FLOPs, d = {d}")
    a2.plot(ns, score_gib, marker="o", ms=3, color="#b91c1c")
    a2.set_xscale("log", base=2)
    a2.set_yscale("log")
    a2.set_xlabel("sequence length n")
    a2.set_ylabel("GiB of attention weights (fp16)")
    a2.set_title(f"Memory, h = {n_head}, one layer")
    rows = [[n, s, m] for n, s, m in zip(ns, share, score_gib, strict=True)]
    alt = (
        f"Left: the attention-score share of a layer's forward FLOPs rises with n and crosses one half at n = 6d = "
        f"{crossover}. Right: the n² attention-weight memory per layer grows fourfold per doubling, "
        f"{score_gib[ns.index(8192)]:.0f} GiB at n = 8192."
    )
    text = (
        "The projections and MLP cost 24nd² and the scores 4n²d, so attention's FLOPs only dominate past n = 6d. "
        "The n² memory of the attention weights becomes a problem much earlier, which is what FlashAttention removes."
    )
    fig_out = draw(
        fig, alt=alt, title="Attention FLOPs share and memory", table=table(["n", "score share", "GiB"], rows)
    )
    return LabResult([fig_out], {"n": ns, "share": share, "score_gib": score_gib, "crossover": crossover}, text)
