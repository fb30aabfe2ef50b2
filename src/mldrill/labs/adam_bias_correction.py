"""Adam's bias correction and first steps: the step size with and without dividing by 1 − βᵗ, how many steps each
correction matters for, and why the first step moves every parameter by about η whatever its gradient."""

from __future__ import annotations

import math

import numpy as np
import torch

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.optim import adam_step

TITLE = "Adam: bias correction and the first steps"
AREA = "optimizers-lr-schedules"
TOPICS = ["adaptive-optimizers"]
SETTLES = ["adaptive-optimizers/adam-bias-correction", "adaptive-optimizers/adam-first-step"]
SECONDS = 1.4
PARAMS = {
    "beta2": Float(0.9, 0.9999, default=0.999, help="Adam's β₂"),
    "steps": Int(100, 20000, default=6000, help="steps simulated"),
    "noise": Float(0.0, 5.0, default=1.0, help="gradient noise std (the mean gradient is 1)"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="Adam, lr = 1e-3, first step. One parameter's gradient is 1e-6, another's is 100. How far does each move?",
    choices=("1e-9 and 0.1: proportional to the gradient", "both about 1e-3", "1e-3 and 0.1"),
    answer=1,
    why="With bias correction m̂₁ = g and v̂₁ = g², so the step is η·g/(|g| + ε) ≈ η·sign(g).",
)


def steps_until_within(beta: float, tol: float = 0.01) -> int:
    """First t with βᵗ < tol: the correction factor 1/(1 − βᵗ) is then within about tol of 1."""
    return math.ceil(math.log(tol) / math.log(beta))


def trajectory(bias_correction: bool, beta2: float, grads: np.ndarray, lr: float = 1e-3) -> np.ndarray:
    p = torch.zeros(1, dtype=torch.float64)
    state: dict = {}
    moves = []
    for g in grads:
        before = float(p)
        adam_step(p, torch.tensor([g], dtype=torch.float64), state, lr=lr, betas=(0.9, beta2),
                  bias_correction=bias_correction)  # fmt: skip
        moves.append(abs(float(p) - before))
    return np.array(moves)


def first_step(grad: float, lr: float = 1e-3) -> float:
    p = torch.zeros(1, dtype=torch.float64)
    adam_step(p, torch.tensor([grad], dtype=torch.float64), {}, lr=lr)
    return abs(float(p))


def run(beta2: float = 0.999, steps: int = 6000, noise: float = 1.0, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    grads = 1.0 + noise * rng.standard_normal(steps)
    moves = {"corrected": trajectory(True, beta2, grads), "uncorrected": trajectory(False, beta2, grads)}
    t = np.arange(1, steps + 1)
    scales = [1e-6, 1e-3, 1.0, 100.0]
    firsts = [first_step(g) for g in scales]
    fig, (a1, a2) = figure(2, width=7.4, height=3.5)
    window = 50
    for name, m in moves.items():
        smooth = np.convolve(m, np.ones(window) / window, mode="valid")
        a1.plot(t[window - 1 :], smooth, label=name)
    a1.axhline(1e-3, color="#6b7280", ls=":", lw=1)
    a1.set_xscale("log")
    a1.set_yscale("log")
    a1.set_xlabel("step")
    a1.set_ylabel(f"|Δθ| (mean over {window} steps)")
    a1.set_title(f"β₂ = {beta2:g}, noisy gradients")
    a1.legend(fontsize=8.5)
    for beta, color in ((0.9, "#2563eb"), (beta2, "#b45309")):
        a2.plot(t, 1 / (1 - beta**t), color=color, label=f"1/(1 − {beta:g}ᵗ)")
        a2.axvline(steps_until_within(beta), color=color, ls=":", lw=1)
    a2.set_xscale("log")
    a2.set_yscale("log")
    a2.set_xlabel("step t")
    a2.set_title("Correction factors (dotted: within 1 %)")
    a2.legend(fontsize=8.5)
    early = slice(0, 10)
    ratio_early = float(moves["uncorrected"][early].mean() / moves["corrected"][early].mean())
    rows = [[g, f] for g, f in zip(scales, firsts, strict=True)]
    alt = (
        f"Left: Adam's step size over {steps} steps with and without bias correction; uncorrected steps start "
        f"{ratio_early:.1f}× larger and the two meet after thousands of steps. Right: the correction factors for "
        f"β₁ = 0.9 (within 1 % after {steps_until_within(0.9)} steps) and β₂ = {beta2:g} (after "
        f"{steps_until_within(beta2)})."
    )
    text = (
        "m and v start at zero, so their running averages are biased toward zero by 1 − βᵗ. For m that fades in about "
        "44 steps, for v (β₂ = 0.999) only after about 4,600: without the correction v is far too small early on "
        "and the first steps are several times too large. With it, the first step is η·sign(g) for every parameter."
    )
    fig_out = draw(
        fig, alt=alt, title="Adam bias correction", table=table(["gradient", "first-step |Δθ| (lr 1e-3)"], rows)
    )
    numbers = {"first_steps": firsts, "scales": scales, "early_ratio": ratio_early,
               "within_1pct": {"beta1": steps_until_within(0.9), "beta2": steps_until_within(beta2)}}  # fmt: skip
    return LabResult([fig_out], numbers, text)
