"""Reliability diagram and ECE before and after temperature scaling, on a synthetic classifier that is overconfident
by a known factor: the fitted temperature should recover it, and accuracy cannot change."""

from __future__ import annotations

import numpy as np

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.metrics.calibration import ece, fit_temperature, nll, reliability_bins
from mldrill.ref.numerics import softmax

TITLE = "Calibration: reliability diagram, ECE and temperature scaling"
AREA = "eval-safety"
TOPICS = ["calibration-metrics"]
SETTLES = ["calibration-metrics/ece", "calibration-metrics/temperature-scaling"]
SECONDS = 0.4
PARAMS = {
    "overconfidence": Float(0.5, 5.0, default=2.5, help="the model's logits = this × the true logits"),
    "n": Int(500, 50_000, default=10_000, help="examples (half to fit T, half to evaluate)"),
    "n_bins": Int(5, 30, default=15, help="equal-width confidence bins"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="Temperature scaling fits T on held-out logits of an overconfident model. What happens to its accuracy?",
    choices=("it goes up", "it stays exactly the same", "it goes down a little"),
    answer=1,
    why="Dividing every logit by one positive T keeps their order, so the argmax never changes.",
)


def run(overconfidence: float = 2.5, n: int = 10_000, n_bins: int = 15, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    true_logits = rng.standard_normal((n, 10)) * 1.5  # (N, K)
    p_true = softmax(true_logits, axis=1)
    y = np.array([rng.choice(10, p=p) for p in p_true])
    logits = overconfidence * true_logits
    fit, ev = slice(0, n // 2), slice(n // 2, n)
    T = fit_temperature(logits[fit], y[fit])
    before, after = softmax(logits[ev], axis=1), softmax(logits[ev] / T, axis=1)
    res = {}
    fig, axes = figure(2, width=7.2, height=3.6)
    for ax, name, probs in ((axes[0], "before", before), (axes[1], f"after (T = {T:.2f})", after)):
        count, acc, conf = reliability_bins(probs, y[ev], n_bins)
        e = ece(probs, y[ev], n_bins)
        res[name.split()[0]] = {"ece": e, "accuracy": float((probs.argmax(1) == y[ev]).mean()), "nll": 0.0}
        edges = np.linspace(0, 1, n_bins + 1)
        mids = (edges[:-1] + edges[1:]) / 2
        ok = count > 0
        ax.bar(mids[ok], acc[ok], width=1 / n_bins, color="#2563eb", alpha=0.85, edgecolor="white", label="accuracy")
        ax.plot([0, 1], [0, 1], ls="--", color="#6b7280", lw=1)
        ax.plot(conf[ok], acc[ok], "o", ms=3, color="#b45309", label="(confidence, accuracy)")
        ax.set_title(f"{name}: ECE {e:.3f}")
        ax.set_xlabel("confidence")
    axes[0].set_ylabel("accuracy in bin")
    axes[0].legend(fontsize=8.5)
    res["before"]["nll"] = nll(logits[ev], y[ev])
    res["after"]["nll"] = nll(logits[ev], y[ev], T)
    rows = [[k, v["accuracy"], v["ece"], v["nll"]] for k, v in res.items()]
    alt = (
        f"Reliability diagrams before and after temperature scaling. Before: bars below the diagonal, ECE "
        f"{res['before']['ece']:.3f}. After fitting T = {T:.2f}: bars on the diagonal, ECE {res['after']['ece']:.3f}; "
        f"accuracy {res['before']['accuracy']:.3f} both times."
    )
    text = (
        "An overconfident model's bars sit below the diagonal: it is right less often than it claims. One temperature "
        "fitted on held-out NLL moves them onto the diagonal and recovers the overconfidence factor, while the argmax, "
        "and so the accuracy, cannot change."
    )
    fig_out = draw(fig, alt=alt, title="Reliability diagrams", table=table(["", "accuracy", "ECE", "NLL"], rows))
    return LabResult([fig_out], {"T": T, **res}, text)


def card_example() -> float:
    """The ECE card's ten predictions: five at 0.95 confidence (4 right), five at 0.65 (3 right)."""
    probs, y = [], []
    for conf, right in ((0.95, 4), (0.65, 3)):
        for i in range(5):
            probs.append([conf, 1 - conf])
            y.append(0 if i < right else 1)
    return ece(np.array(probs), np.array(y), 15)
