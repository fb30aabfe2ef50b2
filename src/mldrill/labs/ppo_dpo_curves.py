"""PPO's clipped surrogate vs the ratio for A > 0 and A < 0, and the DPO loss vs the implicit reward margin."""

from __future__ import annotations

import math

import torch
from torch.func import grad, vmap

from mldrill.labs._core import Float, LabResult, Predict, draw, figure, table
from mldrill.ref.alignment import dpo_loss, ppo_clip_loss

TITLE = "PPO clipping and the DPO loss"
AREA = "alignment-rlhf"
TOPICS = ["rlhf-reward-ppo", "preference-optimization"]
SETTLES = ["rlhf-reward-ppo/ppo-clip", "preference-optimization/dpo-derivation"]
SECONDS = 0.3
PARAMS = {
    "clip_eps": Float(0.05, 0.5, default=0.2, help="PPO's clip range ε"),
    "beta": Float(0.01, 1.0, default=0.1, help="DPO's β (strength of the KL-to-reference constraint)"),
}
PREDICT = Predict(
    question="PPO with ε = 0.2 and advantage A = +1. The ratio π/π_old has reached 1.5. The gradient of the clipped "
    "objective with respect to the ratio is:",
    choices=("1, as before", "0: the objective is flat there", "negative: it pulls the ratio back"),
    answer=1,
    why="min(1.5·1, 1.2·1) = 1.2 comes from the clipped term, which does not depend on the ratio.",
)


ZERO = torch.zeros((), dtype=torch.float64)


def ppo_objective(ratio: torch.Tensor, adv: float, eps: float) -> torch.Tensor:
    """The clipped surrogate of one sample as a function of its ratio ρ = π/π_old: minus the (batch-mean) PPO loss."""
    return -ppo_clip_loss(torch.log(ratio), ZERO, torch.tensor(adv, dtype=torch.float64), eps=eps)


def dpo_curve(margin: torch.Tensor, beta: float) -> torch.Tensor:
    """The DPO loss of one pair whose implicit log-ratio margin is `margin` (the reference terms set to 0)."""
    return dpo_loss(margin, ZERO, ZERO, ZERO, beta=beta)[0]


def run(clip_eps: float = 0.2, beta: float = 0.1) -> LabResult:
    ratio = torch.linspace(0.2, 2.0, 361, dtype=torch.float64)
    fig, (a1, a2) = figure(2, width=7.4, height=3.5)
    grads = {}
    for adv, color in ((1.0, "#15803d"), (-1.0, "#b91c1c")):
        # one sample per ratio: vmap turns the batch-mean losses into per-sample curves and gradients
        obj = vmap(ppo_objective, in_dims=(0, None, None))(ratio, adv, clip_eps)
        grads[adv] = vmap(grad(ppo_objective), in_dims=(0, None, None))(ratio, adv, clip_eps)
        a1.plot(ratio, obj, color=color, label=f"A = {adv:+g}")
        a1.plot(ratio, ratio * adv, color=color, ls=":", lw=1)
    for x in (1 - clip_eps, 1 + clip_eps):
        a1.axvline(x, color="#6b7280", lw=0.8, ls="--")
    a1.set_xlabel("ratio ρ = π_θ / π_old")
    a1.set_ylabel("clipped surrogate (dotted: ρA)")
    a1.set_title(f"PPO, ε = {clip_eps:g}")
    a1.legend(fontsize=8.5)
    margin = torch.linspace(-40, 40, 401, dtype=torch.float64)  # implicit log-ratio margin (nats)
    for b in sorted({0.1, 0.5, beta}):
        loss = vmap(dpo_curve, in_dims=(0, None))(margin, b)
        a2.plot(margin, loss, label=f"β = {b:g}", lw=2.2 if b == beta else 1.2)
    a2.axhline(math.log(2), color="#6b7280", lw=0.8, ls=":")
    a2.set_xlabel("log π/π_ref (chosen) − (rejected)")
    a2.set_ylabel("DPO loss")
    a2.set_title("DPO")
    a2.legend(fontsize=8.5)
    probes = [0.5, 0.9, 1.0, 1.1, 1.5]
    idx = [round((p - 0.2) / 1.8 * 360) for p in probes]
    rows = [[p, float(grads[1.0][i]), float(grads[-1.0][i])] for p, i in zip(probes, idx, strict=True)]
    alt = (
        f"Left: PPO's clipped objective vs the ratio; for A > 0 it is flat beyond 1 + ε = {1 + clip_eps:g}, for A < 0 "
        f"flat below 1 − ε = {1 - clip_eps:g}. Right: DPO loss vs the implicit margin, ln 2 at zero margin, falling "
        f"faster for larger β."
    )
    text = (
        "PPO's min makes the objective pessimistic: the gradient switches off only once the ratio has moved far "
        "enough in the direction the advantage favours, never when a step made things worse. DPO starts at ln 2 when "
        "π = π_ref, and β sets how many nats of implicit margin it takes to drive the loss down."
    )
    fig_out = draw(
        fig, alt=alt, title="PPO and DPO objectives", table=table(["ρ", "dObj/dρ A=+1", "dObj/dρ A=−1"], rows)
    )
    at0 = float(dpo_curve(ZERO, beta))
    return LabResult([fig_out], {"grad_rows": rows, "dpo_at_0": at0}, text)
