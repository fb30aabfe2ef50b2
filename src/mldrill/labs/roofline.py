"""A roofline for LLM serving: decode at batch B has about B FLOP per weight byte, prefill of m tokens about m; the
H100's ridge is 989 TFLOP/s ÷ 3.35 TB/s ≈ 295. Plus the KV-cache bytes that batching does not amortise."""

from __future__ import annotations

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, table
from mldrill.ref.kv_cache import kv_cache_bytes
from mldrill.ref.serving import decode_intensity, roofline

TITLE = "Roofline: why decode is bandwidth-bound"
AREA = "llm-inference-efficiency"
TOPICS = ["kv-cache-serving", "llm-quantization"]
SETTLES = [
    "kv-cache-serving/roofline-numbers",
    "kv-cache-serving/batching-limits",
    "kv-cache-serving/prefill-intensity",
    "llm-quantization/bits-vs-speed",
]
SECONDS = 0.7
PEAK, BW = 989e12, 3.35e12  # H100 SXM: dense bf16 FLOP/s, HBM bytes/s
N_PARAMS = 8.03e9  # Llama-3-8B
PARAMS = {
    "context": Int(128, 131072, default=8192, help="tokens per sequence (KV cache read each decode step)"),
    "prompt": Int(1, 8192, default=2000, help="prompt length for the prefill point"),
}
PREDICT = Predict(
    question="Llama-3-8B in bf16, batch 1, on an H100 (3.35 TB/s, 989 TFLOP/s). Best-case decode speed?",
    choices=("about 60,000 tokens/s (FLOP-bound)", "about 200 tokens/s", "about 20 tokens/s"),
    answer=1,
    why="Each token streams all 16 GB of weights: 16.06 GB ÷ 3.35 TB/s ≈ 4.8 ms, so at most ≈ 209 tokens/s.",
)


def run(context: int = 8192, prompt: int = 2000) -> LabResult:
    ridge = PEAK / BW
    weight_bytes = 2 * N_PARAMS
    kv_per_seq = kv_cache_bytes(32, 8, 128, context, 2)
    batches = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    fig, (a1, a2) = figure(2, width=7.6, height=3.6)
    xs = [0.5 * 2**k for k in range(14)]
    a1.plot(xs, [roofline(x, peak_flops=PEAK, bandwidth=BW) / 1e12 for x in xs], color="#1d2129")
    points = {f"decode B={b}": decode_intensity(N_PARAMS, batch=b) for b in (1, 32, 256)}
    points[f"prefill {prompt} tok"] = decode_intensity(N_PARAMS, batch=prompt)  # m tokens share each weight read
    for (name, x), color in zip(points.items(), ("#b91c1c", "#b45309", "#15803d", "#2563eb"), strict=True):
        a1.plot(x, roofline(x, peak_flops=PEAK, bandwidth=BW) / 1e12, "o", color=color, label=name)
    a1.axvline(ridge, color="#6b7280", ls=":", lw=1)
    a1.set_xscale("log", base=2)
    a1.set_yscale("log")
    a1.set_xlabel("arithmetic intensity (FLOP/byte)")
    a1.set_ylabel("attainable TFLOP/s")
    a1.set_title(f"H100 roofline, ridge ≈ {ridge:.0f}")
    a1.legend(fontsize=8)
    step_ms = [(weight_bytes + b * kv_per_seq) / BW * 1e3 for b in batches]
    a2.plot(batches, step_ms, marker="o", ms=3, label=f"weights + KV at {context} tokens")
    a2.plot(batches, [weight_bytes / BW * 1e3] * len(batches), ls=":", color="#6b7280", label="weights only")
    a2.set_xscale("log", base=2)
    a2.set_yscale("log")
    a2.set_xlabel("decode batch")
    a2.set_ylabel("bandwidth floor per step (ms)")
    a2.set_title("Batching: KV bytes are not shared")
    a2.legend(fontsize=8)
    numbers = {
        "weight_gb": weight_bytes / 1e9,
        "ms_per_token_b1": weight_bytes / BW * 1e3,
        "tokens_per_s_b1": BW / weight_bytes,
        "flops_per_token_us": 2 * N_PARAMS / PEAK * 1e6,
        "ridge": ridge,
        "kv_bytes_per_token": kv_cache_bytes(32, 8, 128, 1, 2),
        "kv_gib_per_seq": kv_per_seq / 2**30,
        "int4_speedup_ceiling": 16 / (4 + 16 / 128),
        "prefill_tflops": 2 * N_PARAMS * prompt / 1e12,
        "step_ms": step_ms,
        "batches": batches,
    }
    rows = [[b, ms, b / ms * 1e3] for b, ms in zip(batches, step_ms, strict=True)]
    alt = (
        f"Left: the H100 roofline with decode at batch 1 (intensity ≈ 1 FLOP/B, deep in the bandwidth-bound region), "
        f"batch 32 and 256, and a {prompt}-token prefill past the ridge at {ridge:.0f}. Right: the per-step "
        f"bandwidth floor vs batch: flat while weights dominate, then growing with the batch once each sequence's "
        f"{numbers['kv_gib_per_seq']:.2f} GiB KV cache is read."
    )
    text = (
        "A decode step streams every weight once and does 2 FLOPs per parameter per sequence, so its intensity is "
        "about the batch size: at batch 1 the GPU waits on memory ~99.7 % of the time. Batching shares the weight "
        "read, but each sequence reads its own KV cache, so at long context the step time grows with the batch."
    )
    cols = ["batch", "step floor (ms)", "tokens/s (all sequences)"]
    fig_out = draw(fig, alt=alt, title="Serving roofline", table=table(cols, rows))
    return LabResult([fig_out], numbers, text)
