"""QLoRA memory: NF4 weights plus their quantization constants, with and without double quantization, vs model size."""

from __future__ import annotations

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, table
from mldrill.ref.quantization import qlora_weight_bytes, quant_constant_bits

TITLE = "QLoRA: what a 4-bit model really costs"
AREA = "fine-tuning-peft"
TOPICS = ["lora"]
SETTLES = ["lora/double-quant", "lora/qlora-memory"]
SECONDS = 0.2
PARAMS = {
    "block": Int(16, 1024, default=64, help="weights per absmax block"),
    "gpu_gb": Float(8.0, 192.0, default=48.0, help="GPU memory (GB) to compare against"),
}
PREDICT = Predict(
    question="NF4 weights in blocks of 64 with one fp32 scale each: how many bits per parameter in total?",
    choices=("4.0", "4.5", "5.0"),
    answer=1,
    why="32 bits of scale per 64 weights is 0.5 bits per weight, an eighth on top of the 4-bit payload.",
)


def run(block: int = 64, gpu_gb: float = 48.0) -> LabResult:
    sizes = [7, 13, 33, 65, 70]
    rows, w_gb, plain_gb, dq_gb = [], [], [], []
    for b in sizes:
        w, c_plain = qlora_weight_bytes(b * 1e9, block=block, double_quant=False)
        _, c_dq = qlora_weight_bytes(b * 1e9, block=block, double_quant=True)
        w_gb.append(w / 1e9)
        plain_gb.append(c_plain / 1e9)
        dq_gb.append(c_dq / 1e9)
        rows.append([f"{b}B", w / 1e9, c_plain / 1e9, c_dq / 1e9, gpu_gb - (w + c_dq) / 1e9])
    fig, ax = figure()
    x = range(len(sizes))
    ax.bar([i - 0.2 for i in x], w_gb, width=0.4, color="#2563eb", label="NF4 weights")
    ax.bar([i - 0.2 for i in x], plain_gb, width=0.4, bottom=w_gb, color="#b45309", label="fp32 scales")
    ax.bar([i + 0.2 for i in x], w_gb, width=0.4, color="#93c5fd")
    ax.bar([i + 0.2 for i in x], dq_gb, width=0.4, bottom=w_gb, color="#15803d", label="double-quantized scales")
    ax.axhline(gpu_gb, color="#b91c1c", ls="--", lw=1)
    ax.text(-0.4, gpu_gb + 1, f"{gpu_gb:g} GB GPU", color="#b91c1c", fontsize=9)
    ax.set_xticks(list(x), [f"{b}B" for b in sizes])
    ax.set_ylabel("GB before LoRA state and activations")
    ax.set_title(f"Block {block}: plain (left) vs double quant (right)")
    ax.legend()
    bits = {"plain": quant_constant_bits(block), "double": quant_constant_bits(block, double_quant=True)}
    alt = (
        f"Stacked bars of NF4 weight GB plus scale GB for 7B to 70B models. Scales cost {bits['plain']:.3f} bits per "
        f"parameter in fp32 and {bits['double']:.3f} with double quantization; 65B needs "
        f"{w_gb[3] + dq_gb[3]:.1f} GB and 70B {w_gb[4] + dq_gb[4]:.1f} GB against a {gpu_gb:g} GB GPU."
    )
    text = (
        "The 4-bit payload is half a byte per parameter; the per-block scales add 32/block bits in fp32, and double "
        "quantization (8-bit scales, one fp32 constant per 256 of them) cuts that to about 0.127 bits at block 64. "
        "Whatever is left under the GPU line must hold the LoRA state, activations and dequantization buffers."
    )
    cols = ["model", "NF4 weights GB", "fp32 scales GB", "DQ scales GB", "GB left on the GPU"]
    fig_out = draw(fig, alt=alt, title="QLoRA weight memory", table=table(cols, rows))
    return LabResult([fig_out], {"bits": bits, "rows": rows}, text)
