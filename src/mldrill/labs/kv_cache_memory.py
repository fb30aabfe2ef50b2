"""KV-cache memory vs context for Llama-3-8B shapes: 32, 8 and 1 KV heads, bf16 and int8/fp8, against a budget."""

from __future__ import annotations

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, table
from mldrill.ref.kv_cache import kv_cache_bytes

TITLE = "KV-cache memory vs context: MHA, GQA, MQA in bf16 and 8-bit"
AREA = "llm-inference-efficiency"
TOPICS = ["kv-cache-serving"]
SETTLES = ["kv-cache-serving/capacity"]
SECONDS = 0.9
GiB = 2**30
PARAMS = {
    "n_layer": Int(1, 128, default=32, help="transformer layers L (Llama-3-8B: 32)"),
    "head_dim": Int(32, 256, default=128, help="head size d_h (Llama-3-8B: 128)"),
    "budget_gib": Float(1.0, 1000.0, default=60.0, help="GiB left for the cache after the weights"),
    "seq_len": Int(128, 1_048_576, default=8192, help="tokens per sequence for the capacity table"),
}
PREDICT = Predict(
    question="Llama-3-8B in bf16 (32 layers, 8 KV heads of 128) with 60 GiB free for the KV cache: how many "
    "8,192-token sequences fit at once?",
    choices=("about 15", "about 60", "about 240"),
    answer=1,
    why="2·32·8·128·2 bytes = 128 KiB per token, exactly 1 GiB per 8k sequence. 15 is the answer for 32 KV heads.",
)
VARIANTS = [("MHA, 32 KV heads", 32), ("GQA, 8 KV heads", 8), ("MQA, 1 KV head", 1)]


def run(n_layer: int = 32, head_dim: int = 128, budget_gib: float = 60.0, seq_len: int = 8192) -> LabResult:
    ctx = [2**k for k in range(10, 18)]  # 1k .. 128k tokens
    fig, ax = figure()
    rows = []
    capacity: dict[str, dict[str, int]] = {}
    for (name, g), color in zip(VARIANTS, ("#b91c1c", "#2563eb", "#15803d"), strict=True):
        for dtype, nbytes, ls in (("bf16", 2, "-"), ("8-bit", 1, "--")):
            gib = [kv_cache_bytes(n_layer, g, head_dim, n, nbytes) / GiB for n in ctx]
            ax.plot(ctx, gib, ls=ls, color=color, label=f"{name}, {dtype}")
            per_seq = kv_cache_bytes(n_layer, g, head_dim, seq_len, nbytes)
            fits = int(budget_gib * GiB // per_seq)
            capacity.setdefault(name, {})[dtype] = fits
            rows.append([name, dtype, kv_cache_bytes(n_layer, g, head_dim, 1, nbytes), per_seq / GiB, fits])
    ax.axhline(budget_gib, color="#6b7280", lw=1, ls=":")
    ax.text(ctx[0], budget_gib * 1.15, f"budget {budget_gib:g} GiB", color="#6b7280", fontsize=9)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("context length (tokens), one sequence")
    ax.set_ylabel("KV cache (GiB)")
    ax.set_title(f"{n_layer} layers, d_h = {head_dim}")
    ax.legend(fontsize=8, ncols=2)
    alt = (
        f"KV-cache GiB per sequence vs context from 1k to 128k tokens for 32, 8 and 1 KV heads in bf16 and 8-bit. "
        f"At {seq_len} tokens a {budget_gib:g} GiB budget holds "
        + ", ".join(f"{n}: {c['bf16']} (bf16)" for n, c in capacity.items())
        + " sequences."
    )
    text = (
        "The cache is 2·L·g·d_h·n·bytes: linear in context and in KV heads g, and independent of the query heads. "
        "Going from 32 to 8 KV heads (GQA) fits 4× the sequences, 8-bit another 2×; at 128k tokens a single "
        "sequence takes a big share of the GPU."
    )
    cols = ["variant", "dtype", "bytes per token", f"GiB per {seq_len}-token seq", "sequences that fit"]
    fig_out = draw(fig, alt=alt, title="KV-cache memory", table=table(cols, rows))
    return LabResult([fig_out], {"capacity": capacity, "rows": rows}, text)
