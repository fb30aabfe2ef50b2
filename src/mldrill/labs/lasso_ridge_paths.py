"""Lasso vs ridge coefficient paths over λ: only the L1 penalty's kink at zero produces exact zeros."""

from __future__ import annotations

import numpy as np

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.regularization import lasso_cd, ridge

TITLE = "Lasso vs ridge coefficient paths"
AREA = "regularization"
TOPICS = ["weight-penalties"]
SETTLES = ["weight-penalties/l1-vs-l2-geometry"]
SECONDS = 0.8
PARAMS = {
    "n_features": Int(3, 30, default=8, help="features (3 of them carry signal)"),
    "n_samples": Int(20, 500, default=100, help="training rows"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="Ridge with a large λ on 8 features, 5 of them useless: how many coefficients are exactly 0?",
    choices=("none: all shrink but stay non-zero", "the 5 useless ones", "all 8"),
    answer=0,
    why="Ridge's solution (XᵀX + λI)⁻¹Xᵀy is smooth in λ; only L1's constant pull at 0 creates a dead zone.",
)


def run(n_features: int = 8, n_samples: int = 100, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    X = rng.standard_normal((n_samples, n_features))
    w_true = np.zeros(n_features)
    w_true[:3] = [3.0, -2.0, 1.5]
    y = X @ w_true + rng.standard_normal(n_samples)
    alphas = np.logspace(-3, 1, 30)  # lasso's alpha (sklearn scaling)
    lasso = np.array([lasso_cd(X, y, float(a))[0] for a in alphas])  # (A, d)
    ridge_alphas = alphas * n_samples * 10  # ridge has no 1/n: a comparable range of shrinkage
    ridge_path = np.array([ridge(X, y, float(a))[0] for a in ridge_alphas])
    fig, (a1, a2) = figure(2, width=7.4, height=3.6)
    for j in range(n_features):
        a1.plot(alphas, lasso[:, j], lw=1.4 if j < 3 else 0.9)
        a2.plot(ridge_alphas, ridge_path[:, j], lw=1.4 if j < 3 else 0.9)
    for a, name in ((a1, "Lasso (L1)"), (a2, "Ridge (L2)")):
        a.set_xscale("log")
        a.set_xlabel("λ")
        a.set_title(name)
        a.axhline(0, color="#6b7280", lw=0.8)
    a1.set_ylabel("coefficient")
    zeros_l1 = (lasso == 0).sum(1)
    zeros_l2 = (ridge_path == 0).sum(1)
    rows = [
        [float(a), int(z1), float(ra), int(z2)]
        for a, z1, ra, z2 in zip(alphas, zeros_l1, ridge_alphas, zeros_l2, strict=True)
    ]
    alt = (
        f"Coefficient paths of {n_features} features over λ. Lasso sets coefficients exactly to zero one by one "
        f"(all {n_features} at the largest λ); ridge shrinks them smoothly and none reaches exactly zero."
    )
    text = (
        "As λ grows, lasso drops features out one at a time, each landing exactly on zero (the noise features first); "
        "ridge shrinks everything toward zero but never onto it, because its penalty's pull vanishes as w → 0."
    )
    cols = ["lasso λ", "exact zeros (L1)", "ridge λ", "exact zeros (L2)"]
    fig_out = draw(fig, alt=alt, title="Regularisation paths", table=table(cols, rows))
    numbers = {"zeros_l1": zeros_l1, "zeros_l2": zeros_l2, "lasso": lasso, "ridge": ridge_path, "alphas": alphas}
    return LabResult([fig_out], numbers, text)
