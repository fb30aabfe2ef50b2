"""The LR range test on least squares: one run, the LR raised exponentially each step, loss recorded. On a quadratic
the blow-up sits just past the stability limit 2/λ_max, which we know exactly here (λ_max of XᵀX/n)."""

from __future__ import annotations

import math

import numpy as np
import torch

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.optim import sgd_step

TITLE = "LR range test: flat, falling, exploding"
AREA = "optimizers-lr-schedules"
TOPICS = ["lr-schedules"]
SETTLES = ["lr-schedules/lr-range-test"]
SECONDS = 0.6
PARAMS = {
    "steps": Int(50, 2000, default=300, help="steps of the sweep (one LR per step)"),
    "features": Int(2, 200, default=20, help="features of the least-squares problem"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="After an LR range test, which learning rate do you train with?",
    choices=(
        "the LR at the loss minimum",
        "about 10× below the minimum, near the steepest descent",
        "the largest LR before the loss is NaN",
    ),
    answer=1,
    why="At the minimum the loss is about to diverge; with noise and a long run that LR is too high.",
)


def sweep(X: np.ndarray, y: np.ndarray, *, lo: float, hi: float, steps: int) -> tuple[list[float], list[float]]:
    """One SGD run (full batch), lr_i = lo (hi/lo)^(i/(steps-1)); returns (lrs, smoothed losses) until blow-up."""
    Xt, yt = torch.tensor(X), torch.tensor(y)
    w = torch.zeros(X.shape[1], dtype=torch.float64)
    state: dict = {}
    lrs, losses, ema, best = [], [], None, math.inf
    for i in range(steps):
        lr = lo * (hi / lo) ** (i / (steps - 1))
        r = Xt @ w - yt
        loss = float((r**2).mean() / 2)
        ema = loss if ema is None else 0.9 * ema + 0.1 * loss
        smoothed = ema / (1 - 0.9 ** (i + 1)) if i < 50 else ema
        lrs.append(lr)
        losses.append(smoothed)
        best = min(best, smoothed)
        if not math.isfinite(loss) or smoothed > 4 * best:
            break
        sgd_step(w, Xt.T @ r / len(yt), state, lr=lr)
    return lrs, losses


def run(steps: int = 300, features: int = 20, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    X = rng.standard_normal((400, features)) * np.linspace(0.3, 2.0, features)
    y = X @ rng.standard_normal(features) + 0.1 * rng.standard_normal(400)
    lam_max = float(np.linalg.eigvalsh(X.T @ X / len(y)).max())
    limit = 2 / lam_max
    lrs, losses = sweep(X, y, lo=1e-5, hi=10.0, steps=steps)
    i_min = int(np.argmin(losses))
    slope = np.gradient(np.log(losses), np.log(lrs))
    i_steep = 20 + int(np.argmin(slope[20 : i_min + 1]))  # after the EMA's warm-up
    fig, ax = figure()
    ax.plot(lrs, losses)
    ax.axvline(limit, color="#b91c1c", ls="--", lw=1, label=f"2/λ_max = {limit:.3g}")
    ax.plot(lrs[i_min], losses[i_min], "o", color="#b45309", label=f"minimum at {lrs[i_min]:.3g}")
    ax.plot(lrs[i_steep], losses[i_steep], "o", color="#15803d", label=f"steepest at {lrs[i_steep]:.3g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate (raised every step)")
    ax.set_ylabel("smoothed loss")
    ax.set_title("LR range test on least squares")
    ax.legend(fontsize=8.5)
    numbers = {"limit": limit, "lr_min": lrs[i_min], "lr_steep": lrs[i_steep], "lr_end": lrs[-1], "n": len(lrs)}
    rows = [[k, v] for k, v in numbers.items()]
    alt = (
        f"Smoothed loss vs learning rate on a log scale: flat below about 1e-3, falling steeply around "
        f"{lrs[i_steep]:.2g}, lowest at {lrs[i_min]:.2g} and exploding after it; the stability limit 2/λ_max is "
        f"{limit:.3g}."
    )
    text = (
        "Nothing moves at tiny LRs; then the loss falls, fastest at the steepest point; then it bottoms out and "
        "explodes past 2/λ_max, the limit set by the sharpest direction. Here the minimum itself already lies past "
        "that limit (the sweep moves on before the divergence shows), so train about 10× below it."
    )
    fig_out = draw(fig, alt=alt, title="LR range test", table=table(["quantity", "value"], rows))
    return LabResult([fig_out], numbers, text)
