"""Dropout's variance shift: in training Var(dropout(x)) = σ²/(1 − p), at eval σ², so a BN after it is miscalibrated."""

from __future__ import annotations

import torch

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.norms import BatchNorm1d
from mldrill.ref.regularization import dropout

TITLE = "Dropout before BatchNorm: the variance shift"
AREA = "regularization"
TOPICS = ["dropout"]
SETTLES = ["dropout/variance-shift"]
SECONDS = 0.8
PARAMS = {
    "n": Int(1000, 400_000, default=100_000, help="samples per estimate"),
    "width": Int(1, 256, default=16, help="units feeding the BatchNorm"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="Dropout p = 0.5 right before a BatchNorm. At evaluation, what is the variance of the BN's output "
    "(it was 1 in training)?",
    choices=("1: dropout preserves the expectation", "0.5", "2"),
    answer=1,
    why="BN stored the training variance σ²/(1 − p) = 2σ²; at eval dropout is the identity, so the output is 1 − p.",
)
PS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def run(n: int = 100_000, width: int = 16, seed: int = 0) -> LabResult:
    seeded(seed)
    g = torch.Generator().manual_seed(seed)
    train_over_eval, bn_eval_var = [], []
    for p in PS:
        x = torch.randn(n, width, dtype=torch.float64, generator=g)
        d = dropout(x, p, training=True, generator=g)
        train_over_eval.append(float(d.var() / x.var()))
        bn = BatchNorm1d(width, momentum=None).double()  # cumulative average: exact training statistics
        bn.train()
        for chunk in d.split(max(1, n // 20)):
            bn(chunk)
        bn.eval()
        bn_eval_var.append(float(bn(dropout(x, p, training=False)).detach().var()))
    fig, ax = figure()
    ax.plot(PS, train_over_eval, marker="o", ms=4, label="Var train / Var eval (measured)")
    ax.plot(PS, [1 / (1 - p) for p in PS], ls="--", color="#6b7280", label="1/(1 − p)")
    ax.plot(PS, bn_eval_var, marker="o", ms=4, label="BN output variance at eval (measured)")
    ax.plot(PS, [1 - p for p in PS], ls=":", color="#6b7280", label="1 − p")
    ax.set_xlabel("dropout p")
    ax.set_ylabel("variance ratio")
    ax.set_title("Dropout then BatchNorm")
    ax.legend(fontsize=8.5)
    rows = [[p, a, 1 / (1 - p), b] for p, a, b in zip(PS, train_over_eval, bn_eval_var, strict=True)]
    alt = (
        "Measured train/eval variance ratio of dropout follows 1/(1 − p) (2 at p = 0.5); a BatchNorm placed after "
        "it outputs variance 1 − p at evaluation instead of 1."
    )
    text = (
        "Inverted dropout keeps the mean but inflates the variance by 1/(1 − p) in training only. A BatchNorm after it "
        "stores that inflated variance and divides by it at evaluation, so its output variance drops to 1 − p and "
        "every later layer sees differently scaled inputs than it trained on."
    )
    cols = ["p", "Var train/eval", "1/(1−p)", "BN eval output var"]
    fig_out = draw(fig, alt=alt, title="Variance shift", table=table(cols, rows))
    return LabResult([fig_out], {"p": list(PS), "ratio": train_over_eval, "bn_eval_var": bn_eval_var}, text)
