"""Leakage: select features on all rows, then cross-validate, and pure-noise labels look predictable."""

from __future__ import annotations

import numpy as np

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.data import cv_accuracy_with_selection

TITLE = "Feature selection before vs inside cross-validation"
AREA = "data-pipeline"
TOPICS = ["preprocessing-leakage"]
SETTLES = ["preprocessing-leakage/leakage-noise-demo"]
SECONDS = 3.7
PARAMS = {
    "n_samples": Int(20, 400, default=100, help="rows"),
    "n_features": Int(100, 20000, default=10000, help="random features"),
    "repeats": Int(1, 20, default=5, help="independent noise data sets"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="100 rows, 10,000 random features, random labels. Pick the 20 features most correlated with the labels "
    "on all rows, then 5-fold CV. Accuracy?",
    choices=("about 50 %: it is noise", "about 65 %", "about 85-90 %"),
    answer=2,
    why="Among 10,000 noise features some correlate with these 100 labels by chance, validation rows included.",
)
KS = (1, 5, 10, 20, 50, 100)


def run(n_samples: int = 100, n_features: int = 10000, repeats: int = 5, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    leaky: dict[int, list[float]] = {k: [] for k in KS}
    honest: dict[int, list[float]] = {k: [] for k in KS}
    for _ in range(repeats):
        X = rng.standard_normal((n_samples, n_features))
        y = rng.integers(0, 2, n_samples)
        for k in KS:
            leaky[k].append(cv_accuracy_with_selection(X, y, k_features=k, select_inside_cv=False))
            honest[k].append(cv_accuracy_with_selection(X, y, k_features=k, select_inside_cv=True))
    lm = [float(np.mean(leaky[k])) for k in KS]
    hm = [float(np.mean(honest[k])) for k in KS]
    fig, ax = figure()
    ax.plot(KS, lm, marker="o", ms=4, color="#b91c1c", label="selected on all rows (leaky)")
    ax.plot(KS, hm, marker="o", ms=4, color="#15803d", label="selected inside each fold")
    ax.axhline(0.5, color="#6b7280", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_ylim(0.3, 1.0)
    ax.set_xlabel("features kept k")
    ax.set_ylabel("5-fold CV accuracy")
    ax.set_title(f"Pure-noise labels, {n_samples} rows × {n_features} features")
    ax.legend()
    rows = [[k, a, b] for k, a, b in zip(KS, lm, hm, strict=True)]
    alt = (
        f"5-fold CV accuracy on random labels vs number of selected features. Selecting on all rows gives "
        f"{lm[KS.index(20)]:.2f} at k = 20; selecting inside each fold gives {hm[KS.index(20)]:.2f}, near chance."
    )
    text = (
        "The labels are coin flips, so the honest accuracy is 50 %. Choosing features with every label, the "
        "validation folds' included, lets CV score how well the selection memorised noise; the same selection "
        "repeated inside each fold falls back to chance."
    )
    cols = ["k", "leaky accuracy", "honest accuracy"]
    fig_out = draw(fig, alt=alt, title="Leakage through feature selection", table=table(cols, rows))
    return LabResult([fig_out], {"k": list(KS), "leaky": leaky, "honest": honest}, text)
