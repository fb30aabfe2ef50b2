"""ZeRO: per-GPU model-state memory vs GPU count for DDP and ZeRO-1/2/3 (mixed-precision Adam, 16 bytes/param)."""

from __future__ import annotations

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, table
from mldrill.ref.distributed.memory import zero_memory

TITLE = "ZeRO memory per GPU vs GPU count"
AREA = "distributed-training"
TOPICS = ["parallelism-memory"]
SETTLES = ["parallelism-memory/zero-memory"]
SECONDS = 0.5
PARAMS = {
    "billions": Float(0.1, 1000.0, default=7.5, help="model size Ψ in billions of parameters", log=True),
    "gpu_gb": Int(8, 192, default=80, help="memory per GPU in GB (the line to stay under)"),
    "max_gpus": Int(2, 4096, default=1024, help="largest data-parallel degree N on the x axis"),
}
STAGES = {"DDP": 0, "ZeRO-1": 1, "ZeRO-2": 2, "ZeRO-3": 3}  # label -> ZeRO stage (0 = plain data parallelism)
PREDICT = Predict(
    question="7.5B parameters, mixed-precision Adam, 64 GPUs, ZeRO-1 (only the optimizer state sharded). "
    "Per-GPU model states?",
    choices=("about 120 GB", "about 31 GB", "about 17 GB", "about 2 GB"),
    answer=1,
    why="4Ψ of bf16 weights and gradients stay whole (30 GB); only the 12Ψ of fp32 state is split 64 ways.",
)


def run(billions: float = 7.5, gpu_gb: int = 80, max_gpus: int = 1024) -> LabResult:
    psi = billions * 1e9
    ns = [n for n in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096) if n <= max_gpus]
    gb = {s: [zero_memory(psi, n, stage) / 1e9 for n in ns] for s, stage in STAGES.items()}

    fig, ax = figure()
    for s in STAGES:
        ax.plot(ns, gb[s], marker="o", ms=3, label=s)
    ax.axhline(gpu_gb, ls="--", color="#b91c1c", lw=1)
    ax.text(ns[-1], gpu_gb * 1.1, f"{gpu_gb} GB GPU", color="#b91c1c", ha="right", fontsize=9)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("GPUs N (data-parallel degree)")
    ax.set_ylabel("model states per GPU (GB)")
    ax.set_title(f"Ψ = {billions:g}B, mixed-precision Adam")
    ax.legend()
    rows = [[n, *(gb[s][i] for s in STAGES)] for i, n in enumerate(ns)]
    at64 = {s: zero_memory(psi, 64, stage) / 1e9 for s, stage in STAGES.items()}
    alt = (
        f"Per-GPU model-state memory vs GPU count for a {billions:g}B model. At 64 GPUs: "
        + ", ".join(f"{s} {v:.1f} GB" for s, v in at64.items())
        + f". DDP stays flat at {gb['DDP'][0]:.0f} GB; ZeRO-1 and 2 level off at 4Ψ and 2Ψ; ZeRO-3 falls as 1/N."
    )
    text = (
        "DDP replicates all 16 bytes per parameter, so adding GPUs never lowers its line. ZeRO-1 and ZeRO-2 flatten "
        "out at the unsharded 4Ψ and 2Ψ bytes of bf16 weights and gradients; only ZeRO-3 keeps falling as 1/N, at "
        "about 1.5× DDP's communication."
    )
    fig_out = draw(fig, alt=alt, title="Model-state memory per GPU", table=table(["GPUs", *STAGES], rows))
    return LabResult([fig_out], {"gpus": ns, "gb": gb, "at_64": at64}, text)
