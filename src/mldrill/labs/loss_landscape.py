"""Loss and gradient vs the true-class margin for CE, focal (γ = 1, 2, 5), MSE on probabilities and hinge."""

from __future__ import annotations

import torch

from mldrill.labs._core import Float, LabResult, Predict, draw, figure, table
from mldrill.ref.losses import loss_vs_margin

TITLE = "Why cross-entropy: loss and gradient vs margin"
AREA = "numerics-losses"
TOPICS = ["numerics"]
SETTLES = ["numerics/ce-vs-mse"]
SECONDS = 0.7
PARAMS = {"worst_margin": Float(-20.0, -2.0, default=-10.0, help="left end of the margin axis (confidently wrong)")}
PREDICT = Predict(
    question="A sigmoid output is confidently wrong: logit z = −10 for a positive example. The gradient of MSE on "
    "the probability, compared with cross-entropy's:",
    choices=("about the same", "about 10× smaller", "about 10,000× smaller"),
    answer=2,
    why="MSE's gradient carries the sigmoid's slope p(1 − p) ≈ 4.5e-5; CE's is p − y ≈ −1.",
)
KEYS = {"ce": "cross-entropy", "focal_1": "focal γ=1", "focal_2": "focal γ=2", "focal_5": "focal γ=5",
        "mse_prob": "MSE on p", "hinge": "hinge"}  # fmt: skip


def run(worst_margin: float = -10.0) -> LabResult:
    m = torch.linspace(worst_margin, 6.0, 400, dtype=torch.float64)
    out = loss_vs_margin(m, gammas=(1.0, 2.0, 5.0))
    fig, (a1, a2) = figure(2, width=7.4, height=3.6)
    for k, name in KEYS.items():
        a1.plot(m, out[k], label=name)
        a2.plot(m, out[f"d_{k}"].abs().clamp_min(1e-12), label=name)
    a1.set_ylim(0, 6)
    a1.set_xlabel("true-class margin m (logit)")
    a1.set_ylabel("loss")
    a1.set_title("Loss")
    a2.set_yscale("log")
    a2.set_xlabel("true-class margin m")
    a2.set_ylabel("|dL/dm|")
    a2.set_title("Gradient")
    fig.legend(*a1.get_legend_handles_labels(), loc="outside lower center", ncols=6, fontsize=8.5)
    probe = torch.tensor([worst_margin, -2.0, 0.0, 2.0], dtype=torch.float64)
    at = loss_vs_margin(probe, gammas=(1.0, 2.0, 5.0))
    rows = [[float(z), *(float(at[f"d_{k}"][i]) for k in KEYS)] for i, z in enumerate(probe)]
    ce_g, mse_g = float(at["d_ce"][0]), float(at["d_mse_prob"][0])
    alt = (
        f"Loss (left) and gradient magnitude (right, log scale) vs the true-class margin. At m = {worst_margin:g} "
        f"CE's gradient is {ce_g:.3f} while MSE on probabilities gives {mse_g:.2g}; focal losses fall between."
    )
    text = (
        "Cross-entropy's gradient p − y stays near −1 on confidently wrong examples; MSE on the probability multiplies "
        "the error by the sigmoid's slope and all but stops learning exactly there. Focal loss deliberately shrinks "
        "the easy (large-margin) side; hinge stops at margin 1."
    )
    fig_out = draw(
        fig, alt=alt, title="Losses vs margin", table=table(["margin", *(f"d {n}" for n in KEYS.values())], rows)
    )
    return LabResult([fig_out], {"ce_grad": ce_g, "mse_grad": mse_g, "rows": rows}, text)
