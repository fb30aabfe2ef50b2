"""RoPE: q·k depends only on the offset m − n, and the base sets the slowest wavelength."""

from __future__ import annotations

import math

import torch

from mldrill.labs._core import Choice, Int, LabResult, Predict, draw, figure, table
from mldrill.ref.positions import apply_rope

TITLE = "RoPE: relative positions and the base"
AREA = "attention-transformers"
TOPICS = ["positional-encoding"]
SETTLES = ["positional-encoding/rope-relative", "positional-encoding/rope-base"]
SECONDS = 0.8
PARAMS = {
    "head_dim": Int(8, 256, default=128, help="head size d_h (even)"),
    "base": Choice(("10000", "500000", "1000000"), default="10000", help="RoPE base b"),
    "offset": Int(0, 4096, default=100, help="absolute position of the query in the second curve"),
}
PREDICT = Predict(
    question="With RoPE, the query sits at position 1000 instead of 0, the key keeps the same offset from it. The "
    "score q·k:",
    choices=("changes: positions are absolute", "is identical: only m − n matters", "shrinks with position"),
    answer=1,
    why="(R_m q)ᵀ(R_n k) = qᵀR_{n−m}k: rotations compose, and the absolute angle cancels.",
)


def run(head_dim: int = 128, base: str = "10000", offset: int = 100) -> LabResult:
    if head_dim % 2:
        from mldrill.labs._core import LabError

        raise LabError(f"head_dim: {head_dim} must be even (RoPE rotates pairs)")
    b = float(base)
    g = torch.Generator().manual_seed(0)
    q = torch.randn(1, 1, 1, head_dim, dtype=torch.float64, generator=g)
    k = q + 0.3 * torch.randn(1, 1, 1, head_dim, dtype=torch.float64, generator=g)  # a key similar to the query
    dist = torch.arange(0, 1025)

    def scores(q_pos: int) -> torch.Tensor:
        qr = apply_rope(q, torch.tensor([q_pos]), base=b)
        kr = apply_rope(k.expand(1, 1, len(dist), head_dim), q_pos + dist, base=b)
        return (kr @ qr.transpose(-1, -2)).flatten()  # (distance,)

    s0, s1 = scores(0), scores(offset)
    theta = [b ** (-2 * i / head_dim) for i in range(head_dim // 2)]
    wavelengths = [2 * math.pi / t for t in theta]
    fig, (a1, a2) = figure(2, width=7.4, height=3.5)
    a1.plot(dist, s0, label="query at 0")
    a1.plot(dist, s1, ls="--", label=f"query at {offset}")
    a1.set_xlabel("key offset n − m")
    a1.set_ylabel("q·k after RoPE")
    a1.set_title("Score vs relative distance")
    a1.legend(fontsize=8.5)
    for bb, color in ((10000.0, "#2563eb"), (500000.0, "#b45309"), (1e6, "#15803d")):
        a2.plot(
            [2 * math.pi / bb ** (-2 * i / head_dim) for i in range(head_dim // 2)], color=color, label=f"b = {bb:g}"
        )
    a2.set_yscale("log")
    a2.set_xlabel("pair index i")
    a2.set_ylabel("wavelength 2π/θ_i (tokens)")
    a2.set_title(f"d_h = {head_dim}")
    a2.legend(fontsize=8.5)
    rows = [[i, theta[i], wavelengths[i]] for i in (0, 1, head_dim // 8, head_dim // 4, head_dim // 2 - 1)]
    max_diff = float((s0 - s1).abs().max())
    alt = (
        f"Left: the RoPE score of a similar query-key pair vs their offset decays with oscillations; the curves for "
        f"a query at 0 and at {offset} coincide (max difference {max_diff:.1e}). Right: per-pair wavelengths for bases "
        f"1e4, 5e5 and 1e6; the slowest is {wavelengths[-1]:,.0f} tokens at base {b:g}."
    )
    text = (
        "Rotating q and k by their own positions leaves only the offset in the score, so the two curves lie on top of "
        "each other. The base sets the slow end of the spectrum: raising it from 10,000 to 500,000 stretches the "
        "slowest wavelength from about 54k to 2.6M tokens, while the fastest pair turns by 1 radian per token."
    )
    fig_out = draw(fig, alt=alt, title="RoPE", table=table(["pair i", "θ_i (rad/token)", "wavelength (tokens)"], rows))
    return LabResult([fig_out], {"max_diff": max_diff, "theta": theta, "wavelengths": wavelengths}, text)
