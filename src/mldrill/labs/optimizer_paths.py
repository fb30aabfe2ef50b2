"""Optimizers on an ill-conditioned quadratic f(x) = ½ Σ λ_i x_i², λ from 1 to κ: paths, convergence, stability.

Gradient descent converges iff η < 2/λ_max; its best fixed rate is (κ − 1)/(κ + 1). Heavy-ball momentum with tuned
η = 4/(√λ_max + √λ_min)² and μ = ((√κ − 1)/(√κ + 1))² contracts at (√κ − 1)/(√κ + 1), and along an eigenvalue λ it
is stable iff 0 < ηλ < 2(1 + μ). All steps are mldrill.ref.optim's (sgd_step, rmsprop_step, adam_step).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, table
from mldrill.ref.optim import adam_step, rmsprop_step, sgd_step

TITLE = "Momentum and the stability limit on a quadratic"
AREA = "optimizers-lr-schedules"
TOPICS = ["sgd-momentum"]
SETTLES = ["sgd-momentum/quadratic-stability"]
SECONDS = 1.1
PARAMS = {
    "kappa": Float(2.0, 1000.0, default=100.0, help="condition number λ_max/λ_min (λ_min = 1)", log=True),
    "lr_scale": Float(0.1, 1.2, default=1.0, help="GD's step as a multiple of 2/λ_max (≥ 1 diverges)"),
    "steps": Int(20, 1000, default=200, help="iterations"),
}
PREDICT = Predict(
    question="Hessian eigenvalues from 1 to 100. Gradient descent with η = 0.021 (just above 2/λ_max = 0.02):",
    choices=("converges, a bit faster than η = 0.02", "converges slowly", "diverges along the sharpest direction"),
    answer=2,
    why="|1 − ηλ_max| = 1.1 > 1: the error along λ = 100 grows 10 % per step, whatever the other directions do.",
)


def rates(kappa: float) -> dict[str, float]:
    """Closed forms for λ in [1, κ]."""
    sk = math.sqrt(kappa)
    return {
        "gd_best_lr": 2 / (1 + kappa),
        "gd_rate": (kappa - 1) / (kappa + 1),
        "hb_lr": 4 / (sk + 1) ** 2,
        "hb_mu": ((sk - 1) / (sk + 1)) ** 2,
        "hb_rate": (sk - 1) / (sk + 1),
    }


def trajectory(step: str, lams: np.ndarray, x0: np.ndarray, steps: int, **hp: float) -> np.ndarray:
    """Iterates (steps + 1, dim) of one optimizer on f(x) = ½ Σ λ_i x_i² (gradient λ ⊙ x)."""
    lam = torch.tensor(lams, dtype=torch.float64)
    p = torch.tensor(x0, dtype=torch.float64)
    state: dict = {}
    out = [p.clone()]
    for _ in range(steps):
        g = lam * p
        if step == "sgd":
            sgd_step(p, g, state, lr=hp["lr"], momentum=hp.get("momentum", 0.0), nesterov=bool(hp.get("nesterov")))
        elif step == "rmsprop":
            rmsprop_step(p, g, state, lr=hp["lr"])
        else:
            adam_step(p, g, state, lr=hp["lr"])
        out.append(p.clone())
    return torch.stack(out).numpy()


def run(kappa: float = 100.0, lr_scale: float = 1.0, steps: int = 200) -> LabResult:
    r = rates(kappa)
    lams = np.array([1.0, kappa])
    x0 = np.array([1.0, 1.0 / math.sqrt(kappa)])  # equal initial loss in both directions
    gd_lr = lr_scale * r["gd_best_lr"] * (1 + kappa) / kappa  # lr_scale × 2/λ_max
    runs = {
        f"GD η = {gd_lr:.3g}": trajectory("sgd", lams, x0, steps, lr=gd_lr),
        "GD best η": trajectory("sgd", lams, x0, steps, lr=r["gd_best_lr"]),
        "heavy ball (tuned)": trajectory("sgd", lams, x0, steps, lr=r["hb_lr"], momentum=r["hb_mu"]),
        "Nesterov η = 1/λ_max": trajectory("sgd", lams, x0, steps, lr=1 / kappa, momentum=r["hb_rate"], nesterov=1),
        "RMSprop η = 0.01": trajectory("rmsprop", lams, x0, steps, lr=0.01),
        "Adam η = 0.05": trajectory("adam", lams, x0, steps, lr=0.05),
    }
    err = {k: np.linalg.norm(v, axis=1) for k, v in runs.items()}

    fig, (a1, a2) = figure(2, width=7.6, height=3.8)
    xs = np.linspace(-1.2, 1.2, 200)
    ys = np.linspace(-1.3 / math.sqrt(kappa), 1.3 / math.sqrt(kappa), 200)
    xx, yy = np.meshgrid(xs, ys)
    a1.contour(xx, yy, 0.5 * (xx**2 + kappa * yy**2), levels=12, colors="#e5e7eb", linewidths=0.8)
    for name, path in runs.items():
        a1.plot(path[:40, 0].clip(-1.2, 1.2), path[:40, 1].clip(ys[0], ys[-1]), lw=0.9, label=name)
    a1.set_title(f"First 40 steps, κ = {kappa:g}")
    a1.set_xlabel("x₁ (λ = 1)")
    a1.set_ylabel(f"x₂ (λ = {kappa:g})")
    for e in err.values():
        a2.plot(np.clip(e, 1e-12, 1e6), lw=1.4)
    a2.set_yscale("log")
    a2.set_xlabel("step")
    a2.set_ylabel("‖x − x*‖")
    a2.set_title("Convergence")
    fig.legend(*a1.get_legend_handles_labels(), loc="outside lower center", ncols=3, fontsize=8.5)

    half = steps // 2
    measured = {k: float((e[-1] / e[half]) ** (1 / (steps - half))) if e[-1] > 0 else 0.0 for k, e in err.items()}
    rows = [[k, float(err[k][-1]), measured[k]] for k in runs]
    alt = (
        f"Left: optimizer paths on a quadratic with condition number {kappa:g}. Right: distance to the minimum vs "
        f"step on a log scale. GD at its best η contracts {r['gd_rate']:.3f} per step, tuned heavy ball "
        f"{r['hb_rate']:.3f}; GD at {lr_scale:g}× 2/λ_max {'diverges' if lr_scale >= 1 else 'converges'}."
    )
    text = (
        "The sharpest direction caps the step at 2/λ_max; above it GD diverges, below it the flat direction crawls "
        "at (κ − 1)/(κ + 1) per step. Tuned momentum replaces κ by √κ in that rate, which is the real case for it."
    )
    cols = ["optimizer", f"‖x − x*‖ after {steps}", "measured rate per step"]
    fig_out = draw(fig, alt=alt, title="Optimizers on an ill-conditioned quadratic", table=table(cols, rows))
    final = {k: float(e[-1]) for k, e in err.items()}
    return LabResult([fig_out], {"rates": r, "measured": measured, "final": final}, text)
