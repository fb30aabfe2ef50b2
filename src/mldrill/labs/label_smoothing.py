"""Label smoothing's optimum: the loss floor is H(q), not 0, and the best logit gap is finite, log((1−ε+ε/K)/(ε/K)).

For each ε we minimise mldrill.ref.losses.cross_entropy (PyTorch's label_smoothing convention) over a free logit
vector with L-BFGS and compare the reached loss and gap with the closed forms.
"""

from __future__ import annotations

import math

import torch

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, table
from mldrill.ref.losses import cross_entropy

TITLE = "Label smoothing: the loss floor and bounded logits"
AREA = "numerics-losses"
TOPICS = ["numerics"]
SETTLES = ["numerics/label-smoothing-tradeoffs"]
SECONDS = 1.8
PARAMS = {"classes": Int(2, 1000, default=10, help="number of classes K")}
PREDICT = Predict(
    question="10 classes, label smoothing ε = 0.1. Where does a perfectly fitted model's training loss plateau?",
    choices=("at 0", "about 0.1", "about 0.5"),
    answer=2,
    why="The minimum is the entropy of the smoothed target q (0.91 on the label, 0.01 elsewhere): ≈ 0.500 nats.",
)
EPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)


def closed_form(eps: float, k: int) -> tuple[float, float]:
    """(H(q), logit gap at the optimum) for the target q = (1 − ε) onehot + ε/K."""
    hi, lo = 1 - eps + eps / k, eps / k
    return -(hi * math.log(hi) + (k - 1) * lo * math.log(lo)), math.log(hi / lo)


def optimum(eps: float, k: int) -> tuple[float, float]:
    z = torch.zeros(1, k, dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0])
    opt = torch.optim.LBFGS([z], lr=1, max_iter=200, tolerance_grad=1e-12, tolerance_change=1e-14)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = cross_entropy(z, y, label_smoothing=eps)
        loss.backward()
        return loss

    opt.step(closure)
    loss = float(cross_entropy(z.detach(), y, label_smoothing=eps))
    gap = float(z.detach()[0, 0] - z.detach()[0, 1:].mean())
    return loss, gap


def run(classes: int = 10) -> LabResult:
    measured = [optimum(e, classes) for e in EPS]
    closed = [closed_form(e, classes) for e in EPS]
    fig, (a1, a2) = figure(2, width=7.2, height=3.4)
    a1.plot(EPS, [c[0] for c in closed], color="#6b7280", ls="--", label="H(q)")
    a1.plot(EPS, [m[0] for m in measured], "o", ms=4, label="minimised loss")
    a2.plot(EPS, [c[1] for c in closed], color="#6b7280", ls="--", label="log((1−ε+ε/K)/(ε/K))")
    a2.plot(EPS, [m[1] for m in measured], "o", ms=4, label="optimal logit gap")
    for a in (a1, a2):
        a.set_xscale("log")
        a.set_xlabel("ε")
        a.legend(fontsize=8.5)
    a1.set_ylabel("training-loss floor (nats)")
    a1.set_title(f"K = {classes}: the floor is not 0")
    a2.set_ylabel("true − other logit")
    a2.set_title("…and the logits stay finite")
    rows = [[e, m[0], c[0], m[1], c[1]] for e, m, c in zip(EPS, measured, closed, strict=True)]
    alt = (
        f"For K = {classes}, the minimised smoothed cross-entropy equals H(q) and the optimal logit gap equals "
        f"log((1−ε+ε/K)/(ε/K)) at every ε; at ε = 0.1 the floor is {closed[3][0]:.3f} nats and the gap "
        f"{closed[3][1]:.2f}."
    )
    text = (
        "With a smoothed target the best prediction is the target itself, so the loss bottoms out at its entropy, "
        "not at zero, and the logits stop growing at a finite gap. A training loss stuck near H(q) is success."
    )
    cols = ["ε", "loss reached", "H(q)", "gap reached", "gap formula"]
    fig_out = draw(fig, alt=alt, title="Label smoothing optimum", table=table(cols, rows))
    return LabResult([fig_out], {"eps": list(EPS), "measured": measured, "closed": closed}, text)
