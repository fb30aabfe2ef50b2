"""Bias², variance and test error vs polynomial degree (Monte Carlo), and double descent in min-norm least squares
on random ReLU features (test error peaks where the feature count meets the sample count)."""

from __future__ import annotations

import numpy as np

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, table
from mldrill.ref.classical.bias_variance import bias_variance_mc, double_descent

TITLE = "Bias–variance and double descent"
AREA = "classical-ml"
TOPICS = ["bias-variance"]
SETTLES = ["bias-variance/decomposition", "bias-variance/double-descent"]
SECONDS = 1.2
PARAMS = {
    "trials": Int(20, 1000, default=200, help="training sets per degree"),
    "n_train": Int(10, 200, default=20, help="points per training set (polynomials); 40 for double descent"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="Min-norm least squares on p random features with n = 40 training points. As p grows past 40, the "
    "test error:",
    choices=("keeps rising: more overfitting", "falls again after a peak near p = 40", "stays flat"),
    answer=1,
    why="At p ≈ n the one interpolating solution bends wildly; past it, the minimum-norm one among many is smooth.",
)
DEGREES = list(range(0, 10))
FEATURES = [2, 5, 10, 20, 30, 36, 40, 44, 50, 70, 100, 200, 400]


def run(trials: int = 200, n_train: int = 20, seed: int = 0) -> LabResult:
    bv = [bias_variance_mc(d, trials=trials, n_train=n_train, seed=seed + d) for d in DEGREES]
    dd = double_descent(FEATURES, n_train=40, trials=max(5, trials // 10), seed=seed)
    fig, (a1, a2) = figure(2, width=7.4, height=3.6)
    a1.plot(DEGREES, [b.bias2 for b in bv], marker="o", ms=3, label="bias²")
    a1.plot(DEGREES, [b.variance for b in bv], marker="o", ms=3, label="variance")
    a1.plot(DEGREES, [b.bias2 + b.variance + b.noise for b in bv], marker="o", ms=3, label="bias² + var + σ²")
    a1.plot(DEGREES, [b.expected_mse for b in bv], ls="none", marker="x", ms=6, color="#1d2129", label="test MSE (MC)")
    a1.set_yscale("log")
    a1.set_xlabel("polynomial degree")
    a1.set_title(f"sin(2πx), n = {n_train}")
    a1.legend(fontsize=8)
    a2.plot(FEATURES, dd, marker="o", ms=3, color="#b91c1c")
    a2.axvline(40, color="#6b7280", ls="--", lw=1)
    a2.set_xscale("log")
    a2.set_yscale("log")
    a2.set_xlabel("random features p (n = 40)")
    a2.set_ylabel("test MSE")
    a2.set_title("Double descent")
    rows = [[d, b.bias2, b.variance, b.noise, b.expected_mse] for d, b in zip(DEGREES, bv, strict=True)]
    peak = FEATURES[int(np.argmax(dd))]
    alt = (
        f"Left: bias² falls and variance rises with polynomial degree; their sum plus noise matches the Monte Carlo "
        f"test error, U-shaped with its minimum at degree {DEGREES[int(np.argmin([b.expected_mse for b in bv]))]}. "
        f"Right: test error of min-norm least squares vs feature count peaks at p = {peak} and falls again beyond it."
    )
    text = (
        "Squared error splits exactly into noise + bias² + variance: simple models miss the function, flexible ones "
        "chase each training set's noise, and the sum is U-shaped. Past the interpolation threshold (features ≈ "
        "samples) the picture changes: the minimum-norm fit gets smoother and the test error falls again."
    )
    cols = ["degree", "bias²", "variance", "noise", "test MSE"]
    fig_out = draw(fig, alt=alt, title="Bias–variance and double descent", table=table(cols, rows))
    numbers = {"bv": [b.__dict__ for b in bv], "double_descent": list(dd), "features": FEATURES}
    return LabResult([fig_out], numbers, text)
