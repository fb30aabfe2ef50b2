"""Trainable parameters of full fine-tuning, LoRA at several ranks, adapters, prefix, prompt tuning and (IA)³ on a
Llama-3-8B-shaped model (d = 4096, 32 blocks, 8 KV heads × 128, MLP 14,336), counted per matrix with mldrill.ref."""

from __future__ import annotations

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, table
from mldrill.ref.lora import lora_params, prefix_params
from mldrill.ref.optim import optimizer_bytes

TITLE = "PEFT parameter counts: LoRA rank, adapters, prefix, prompt, (IA)³"
AREA = "fine-tuning-peft"
TOPICS = ["lora", "peft-methods"]
SETTLES = [
    "lora/param-count",
    "lora/llama-param-count",
    "lora/vs-full-ft",
    "peft-methods/adapter-params",
    "peft-methods/prompt-tuning",
    "peft-methods/prefix-params",
    "peft-methods/ia3",
    "peft-methods/comparison",
]
SECONDS = 0.7
BASE = 8.03e9  # Llama-3-8B's parameter count
PARAMS = {
    "rank": Int(1, 256, default=16, help="LoRA rank r for the table's LoRA rows"),
    "virtual_tokens": Int(1, 512, default=20, help="p, the prefix / prompt length"),
    "adapter_r": Int(1, 1024, default=64, help="adapter bottleneck width"),
}
PREDICT = Predict(
    question="LoRA r = 16 on every linear layer of Llama-3-8B: what share of the 8.03B parameters trains?",
    choices=("about 0.005 %", "about 0.5 %", "about 5 %"),
    answer=1,
    why="41.9M: r(d_in + d_out) summed over 7 matrices per block × 32 blocks; the wide MLP holds most of it.",
)
D, L, KV, FF = 4096, 32, 8 * 128, 14336
MATRICES = {  # (d_in, d_out) of each linear layer in a block
    "q_proj": (D, D),
    "k_proj": (D, KV),
    "v_proj": (D, KV),
    "o_proj": (D, D),
    "gate_proj": (D, FF),
    "up_proj": (D, FF),
    "down_proj": (FF, D),
}


def lora_total(r: int, targets: tuple[str, ...] = tuple(MATRICES)) -> int:
    return L * sum(lora_params(*MATRICES[m], r) for m in targets)


def adapter_params(d: int, r: int) -> int:
    """A Houlsby adapter: down (d r + r) and up (r d + d), with biases."""
    return 2 * d * r + d + r


def counts(rank: int, virtual_tokens: int, adapter_r: int) -> dict[str, float]:
    return {
        "full fine-tuning": BASE,
        **{f"LoRA r = {r}": lora_total(r) for r in sorted({4, 8, rank, 64})},
        "LoRA q,v r = 8": lora_total(8, ("q_proj", "v_proj")),
        f"adapters r = {adapter_r} (2/block)": 2 * L * adapter_params(D, adapter_r),
        f"prefix p = {virtual_tokens}": prefix_params(L, virtual_tokens, D),
        "(IA)³": L * (KV + KV + FF),
        f"prompt p = {virtual_tokens}": virtual_tokens * D,
    }


def run(rank: int = 16, virtual_tokens: int = 20, adapter_r: int = 64) -> LabResult:
    c = counts(rank, virtual_tokens, adapter_r)
    names = list(c)
    fig, ax = figure(height=4.0)
    ax.barh(names[::-1], [c[n] for n in names[::-1]], color="#2563eb")
    ax.set_xscale("log")
    ax.set_xlabel("trainable parameters (log scale)")
    ax.set_title("Llama-3-8B shapes")
    for i, n in enumerate(names[::-1]):
        ax.text(c[n], i, f" {100 * c[n] / BASE:.3g} %", va="center", fontsize=8.5, color="#1d2129")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(1e4, 1e11)
    memory = {
        "full FT, Adam mixed (GB, 7B)": optimizer_bytes(7e9, "adam-mixed") / 1e9,
        "frozen base bf16 (GB, 7B)": 2 * 7e9 / 1e9,
        "frozen base NF4 (GB, 7B)": 0.5 * 7e9 / 1e9,
    }
    rows = [[n, int(c[n]), 100 * c[n] / BASE] for n in names]
    alt = (
        "Horizontal bars of trainable parameters on a log scale for a Llama-3-8B-shaped model: "
        + "; ".join(f"{n} {int(c[n]):,}" for n in names)
        + "."
    )
    text = (
        "Every PEFT method trains well under 1 % of the model: LoRA on all linear layers about 0.5 % at r = 16 "
        "(mostly in the wide MLP), prefix tuning 2L times prompt tuning's p·d, (IA)³ just three vectors per layer. "
        "The memory win is the optimizer state (16 bytes per trained parameter), not compute: the backward pass "
        "still runs through every frozen layer."
    )
    fig_out = draw(fig, alt=alt, title="Trainable parameters", table=table(["method", "trainable", "% of 8.03B"], rows))
    return LabResult([fig_out], {"counts": c, "memory": memory}, text)
