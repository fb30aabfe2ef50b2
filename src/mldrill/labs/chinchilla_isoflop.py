"""Chinchilla iso-FLOP curves from the parametric fit L(N, D) = E + A/N^α + B/D^β, with the compute-optimal frontier."""

from __future__ import annotations

import numpy as np

from mldrill.labs._core import Float, LabResult, Predict, draw, figure, table
from mldrill.ref.scaling import chinchilla_loss, chinchilla_optimal

TITLE = "Chinchilla: compute-optimal model size and tokens"
AREA = "llm-foundations-scaling"
TOPICS = ["scaling-laws"]
SETTLES = ["scaling-laws/chinchilla-optimal"]
SECONDS = 0.5
PARAMS = {
    "log10_flops": Float(18.0, 26.0, default=23.76, help="the budget C = 6ND, as log10 FLOPs (5.76e23 = 23.76)"),
}
PREDICT = Predict(
    question="With Gopher's budget (5.76e23 FLOPs), which reaches the lower loss under the Chinchilla fit?",
    choices=("280B parameters on 300B tokens", "70B parameters on 1.4T tokens", "they tie"),
    answer=1,
    why="At fixed compute the fit prefers a smaller model on more tokens. 70B on 1.4T is the paper's IsoFLOP rule of "
    "about 20 tokens per parameter; the fit's own optimum is smaller still, about 32B on 3T tokens.",
)


def run(log10_flops: float = 23.76) -> LabResult:
    budgets = [10.0**e for e in (19, 20, 21, 22, 23, 24, 25)]
    fig, ax = figure()
    rows = []
    for c in sorted({*budgets, 10.0**log10_flops}):
        n = np.logspace(7, 13, 400)
        d = c / (6 * n)
        loss = np.array([chinchilla_loss(a, b) for a, b in zip(n, d, strict=True)])
        i = int(loss.argmin())
        mine = c == 10.0**log10_flops
        ax.plot(n, loss, lw=2.4 if mine else 1.2, color="#2563eb" if mine else "#9ca3af")
        ax.plot(n[i], loss[i], "o", ms=4, color="#b45309")
        rule = chinchilla_optimal(c)
        rows.append([f"{c:.3g}", n[i], d[i] / n[i], loss[i], rule.n_params, rule.n_tokens])
    ax.set_xscale("log")
    ax.set_ylim(1.7, 4.0)
    ax.set_xlabel("parameters N")
    ax.set_ylabel("predicted loss L(N, C/6N)")
    ax.set_title("Iso-FLOP curves (orange: the minimum of each)")
    c = 10.0**log10_flops
    rule = chinchilla_optimal(c)
    numbers = {
        "rule_n": rule.n_params,
        "rule_d": rule.n_tokens,
        "loss_chinchilla": chinchilla_loss(70e9, 1.4e12),
        "loss_gopher": chinchilla_loss(280e9, 300e9),
        "rows": rows,
    }
    alt = (
        f"Iso-FLOP curves of predicted loss vs parameters for budgets 1e19 to 1e25 FLOPs; each is U-shaped with its "
        f"minimum marked. For C = {c:.3g} the 20-tokens-per-parameter rule gives N = {rule.n_params:.3g} and "
        f"D = {rule.n_tokens:.3g}."
    )
    text = (
        "Each budget's loss is U-shaped in N: too small a model wastes compute on data it cannot fit, too large a one "
        "sees too few tokens. Chinchilla (70B, 1.4T) beats Gopher (280B, 300B) at the same compute; note that this "
        "parametric fit's own minima sit at more tokens per parameter (tens to ~100, rising with C) than the rule's 20."
    )
    cols = ["C (FLOPs)", "fit's best N", "tokens/param at best", "loss at best", "rule N = √(C/120)", "rule D = 20N"]
    fig_out = draw(fig, alt=alt, title="Chinchilla iso-FLOP curves", table=table(cols, rows))
    return LabResult([fig_out], numbers, text)
