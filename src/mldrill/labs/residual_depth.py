"""Residual connections at depth: the gradient reaching the input of a plain vs a residual stack, and the linear
growth of a pre-norm residual stream's variance (with and without GPT-2's 1/√(2L) branch scaling)."""

from __future__ import annotations

import math

import torch

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.residual import residual_var_vs_depth

TITLE = "Residual connections: gradient paths and stream variance"
AREA = "activations-init-norm-residual"
TOPICS = ["residual-connections"]
SETTLES = ["residual-connections/residual-jacobian", "residual-connections/stream-variance"]
SECONDS = 0.7
PARAMS = {
    "depth": Int(4, 128, default=50, help="layers / blocks L"),
    "width": Int(16, 512, default=128, help="units per layer"),
    "gain": Int(50, 110, default=90, help="plain layer's gain r in percent (orthogonal weights × r)"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="50 plain linear layers, each with gain 0.9. What fraction of the output gradient reaches the input?",
    choices=("about 0.9", "about 0.5 %", "exactly 0"),
    answer=1,
    why="0.9⁵⁰ ≈ 0.005. The residual version always passes the identity path at full strength.",
)


def input_grad_profile(depth: int, width: int, gain: float, residual: bool, g: torch.Generator) -> list[float]:
    """‖∂L/∂x_l‖ for l = 0..depth of a linear stack x_{l+1} = W_l x_l (plain) or x_l + W_l x_l / √L (residual)."""
    xs = [torch.randn(64, width, dtype=torch.float64, generator=g).requires_grad_()]
    for _ in range(depth):
        q, _ = torch.linalg.qr(torch.randn(width, width, dtype=torch.float64, generator=g))
        w = gain * q
        h = xs[-1] @ w.T
        nxt = xs[-1] + h / math.sqrt(depth) if residual else h
        nxt.retain_grad()
        xs.append(nxt)
    upstream = torch.randn(xs[-1].shape, dtype=torch.float64, generator=g)
    (xs[-1] * upstream).sum().backward()
    # x.grad is set: backward() ran through every x (torch types .grad as Optional)
    return [float(x.grad.norm()) / float(upstream.norm()) for x in xs]  # type: ignore[union-attr]


def run(depth: int = 50, width: int = 128, gain: int = 90, seed: int = 0) -> LabResult:
    seeded(seed)
    g = torch.Generator().manual_seed(seed)
    r = gain / 100
    plain = input_grad_profile(depth, width, r, False, g)
    resid = input_grad_profile(depth, width, r, True, g)
    var_plain_branch = residual_var_vs_depth(depth, d=width, n=256, generator=g)
    var_scaled = residual_var_vs_depth(depth, d=width, n=256, branch_scale=1 / math.sqrt(2 * depth), generator=g)
    fig, (a1, a2) = figure(2, width=7.4, height=3.5)
    layers = list(range(depth + 1))
    a1.plot(layers, plain, label=f"plain, gain {r:g}")
    a1.plot(layers, resid, label="residual")
    a1.plot(layers, [r ** (depth - lay) for lay in layers], ls=":", color="#6b7280", label="r^(L − l)")
    a1.set_yscale("log")
    a1.set_xlabel("layer l")
    a1.set_ylabel("‖∂L/∂x_l‖ / ‖∂L/∂x_L‖")
    a1.set_title("Gradient reaching layer l")
    a1.legend(fontsize=8.5)
    a2.plot(layers, var_plain_branch, label="unit branches")
    a2.plot(layers, [1 + lay for lay in layers], ls=":", color="#6b7280", label="1 + l")
    a2.plot(layers, var_scaled, label="branches × 1/√(2L)")
    a2.set_xlabel("block l")
    a2.set_ylabel("Var(residual stream)")
    a2.set_title("Pre-norm stream variance")
    a2.legend(fontsize=8.5)
    rows = [
        [lay, plain[lay], resid[lay], var_plain_branch[lay], var_scaled[lay]] for lay in sorted({0, depth // 2, depth})
    ]
    alt = (
        f"Left: the gradient reaching layer l of a {depth}-layer plain linear stack with gain {r:g} falls as "
        f"r^(L − l) to {plain[0]:.2g} at the input, while the residual stack keeps {resid[0]:.2g}. Right: the residual "
        f"stream's variance grows linearly to {var_plain_branch[-1]:.0f} with unit branches and stays near "
        f"{var_scaled[-1]:.1f} with 1/√(2L) scaling."
    )
    text = (
        "A plain stack multiplies the gradient by each layer's Jacobian, so it shrinks like r^L; a residual stack's "
        "Jacobian is a product of (I + J_l), which always contains the identity path, so the gradient reaching the "
        "input cannot vanish. The price is a stream whose variance grows by each branch's variance per block."
    )
    cols = ["layer", "grad plain", "grad residual", "Var stream", "Var stream (scaled)"]
    fig_out = draw(fig, alt=alt, title="Residual connections at depth", table=table(cols, rows))
    numbers = {"plain": plain, "residual": resid, "var": var_plain_branch, "var_scaled": var_scaled}
    return LabResult([fig_out], numbers, text)
