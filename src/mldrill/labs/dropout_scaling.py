"""Dropout's scale: inverted dropout keeps E[output] = input in training, so evaluation is the identity. Drop the
1/(1 − p) rescale, or apply a (1 − p) correction on top of it, and training and evaluation disagree by a factor 1 − p.
Each unit's output variance is p/(1 − p)·x² (inverted) or p(1 − p)·x² (the unscaled mask)."""

from __future__ import annotations

import torch

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.regularization import dropout

TITLE = "Dropout's 1/(1 − p): the expectation, the variance, and the scale-once bugs"
AREA = "regularization"
TOPICS = ["dropout"]
SETTLES = ["dropout/inverted-dropout", "dropout/scale-once"]
SECONDS = 0.7
PARAMS = {
    "samples": Int(1000, 1_000_000, default=200_000, help="dropout masks drawn per p"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="Dropout p = 0.5 implemented as a plain mask (no 1/(1 − p) in training) and the identity at "
    "evaluation. How do a unit's evaluation activations compare with their training average?",
    choices=("the same: dropout is unbiased", "twice as large", "half as large"),
    answer=1,
    why="Training sees (1 − p)·x on average, evaluation sees x: a factor 1/(1 − p) = 2. Inverted dropout divides the "
    "survivors by 1 − p in training so evaluation needs nothing; the 2014 paper instead multiplied by 1 − p at test.",
)
PS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# name -> (train with the 1/(1 - p) rescale?, eval form): eval "identity" or "×(1 − p)"
SCHEMES = {
    "inverted (PyTorch)": (True, True),
    "original 2014: ×(1 − p) at eval": (False, False),
    "bug: no rescale anywhere": (False, True),
    "bug: rescaled twice": (True, False),
}


def run(samples: int = 200_000, seed: int = 0) -> LabResult:
    seeded(seed)
    g = torch.Generator().manual_seed(seed)
    x = torch.linspace(0.5, 2.0, 4, dtype=torch.float64)  # four units with different inputs
    ones = torch.ones(samples, 1, dtype=torch.float64)
    ratio: dict[str, list[float]] = {name: [] for name in SCHEMES}
    train_mean: dict[str, list[float]] = {"inverted": [], "mask only": []}
    train_var: dict[str, list[float]] = {"inverted": [], "mask only": []}
    rows = []
    for p in PS:
        for label, inverted in (("inverted", True), ("mask only", False)):
            y = dropout(ones * x, p, training=True, generator=g, inverted=inverted)  # (samples, 4)
            train_mean[label].append(float((y.mean(0) / x).mean()))
            train_var[label].append(float((y.var(0) / x**2).mean()))
        for name, (train_inverted, eval_identity) in SCHEMES.items():
            train = train_mean["inverted" if train_inverted else "mask only"][-1]
            ev = float((dropout(x, p, training=False, inverted=eval_identity) / x).mean())
            ratio[name].append(ev / train)
        rows.append(
            [p, train_mean["inverted"][-1], train_var["inverted"][-1], p / (1 - p), *(r[-1] for r in ratio.values())]
        )

    fig, (a1, a2) = figure(2, width=7.6, height=3.8)
    for (name, r), ls in zip(ratio.items(), ("-", "--", "-", "-"), strict=True):
        a1.plot(PS, r, ls=ls, marker="o", ms=3, label=name)
    a1.set_xlabel("drop probability p")
    a1.set_ylabel("eval activation / training mean")
    a1.set_yscale("log")
    a1.set_title("Train vs eval scale")
    ps = PS[1:]  # p = 0 has no variance: off a log axis
    a2.plot(ps, [p / (1 - p) for p in ps], color="#6b7280", lw=3, alpha=0.5, label="p/(1 − p)")
    a2.plot(ps, train_var["inverted"][1:], "o", ms=4, color="#2563eb", label="inverted, measured")
    a2.plot(ps, [p * (1 - p) for p in ps], color="#6b7280", lw=3, alpha=0.3, ls="--", label="p(1 − p)")
    a2.plot(ps, train_var["mask only"][1:], "s", ms=4, color="#b45309", label="mask only, measured")
    a2.set_xlabel("drop probability p")
    a2.set_ylabel("Var(output) / x²")
    a2.set_yscale("log")
    a2.set_title("Variance per unit in training")
    a1.legend(fontsize=7.5)
    a2.legend(fontsize=7.5)
    alt = (
        "Left: evaluation activation over training mean vs p for four dropout schemes: inverted and the 2014 scheme "
        f"stay at 1; no rescale climbs to {ratio['bug: no rescale anywhere'][-1]:.1f} at p = 0.9 and double rescaling "
        f"falls to {ratio['bug: rescaled twice'][-1]:.2f}. Right: the training variance per unit follows p/(1 − p) "
        "for inverted dropout and p(1 − p) for the plain mask."
    )
    text = (
        "Inverted dropout multiplies survivors by 1/(1 − p), so each unit's training mean is its input and "
        "evaluation is the identity. Forget that factor and evaluation runs 1/(1 − p) hotter than training; add a "
        "(1 − p) at evaluation on top of it and it runs (1 − p) colder. The mean is kept, the variance is not: "
        "p/(1 − p)·x², which grows without bound as p → 1."
    )
    cols = ["p", "train mean / x (inverted)", "Var / x² (inverted)", "p/(1 − p)", *SCHEMES]
    fig_out = draw(fig, alt=alt, title="Dropout scaling", table=table(cols, rows))
    numbers = {"p": list(PS), "samples": samples, "ratio": ratio, "train_mean": train_mean, "train_var": train_var}
    return LabResult([fig_out], numbers, text)
