"""MoE routing: a router trained with and without the load-balancing loss (tokens per expert), and the share of
tokens dropped vs the capacity factor. The task rewards one expert a little more than the others, the classic
rich-get-richer start of router collapse."""

from __future__ import annotations

import torch

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.moe import dispatch, route, switch_aux_loss

TITLE = "MoE load balancing and capacity"
AREA = "moe"
TOPICS = ["mixture-of-experts"]
SETTLES = [
    "mixture-of-experts/aux-loss",
    "mixture-of-experts/routing-collapse-debug",
    "mixture-of-experts/capacity",
]
SECONDS = 1.0
PARAMS = {
    "experts": Int(2, 64, default=8, help="experts E"),
    "aux_weight": Float(0.0, 0.2, default=0.05, help="weight α of the load-balancing loss in the 'with' run"),
    "steps": Int(50, 2000, default=300, help="router training steps"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="A router is trained only on the task loss, and one expert is slightly better early on. After training:",
    choices=("tokens spread evenly anyway", "most tokens go to a few experts", "the router output becomes random"),
    answer=1,
    why="The favoured expert gets more tokens, so more gradient, so it gets better: without a balancing term the "
    "router collapses.",
)
CAPACITY_FACTORS = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0]


def train_router(aux: float, *, experts: int, steps: int, seed: int) -> tuple[torch.Tensor, list[float]]:
    """Router W (d, E) trained on a task loss that pays each token its chosen expert's quality.

    Returns each token's final top-1 expert (T, 1) and the balancing loss E·Σ f_i P_i per step (1 when uniform).
    """
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1024, 16, generator=g)  # (T, d)
    quality = torch.linspace(1.0, 0.98, experts)  # expert 0 slightly better
    w = (0.01 * torch.randn(16, experts, generator=g)).requires_grad_()
    opt = torch.optim.Adam([w], lr=0.05)
    aux_hist = []
    for _ in range(steps):
        _, top, probs = route(x @ w, 1, style="switch")
        task = -(probs * quality).sum(-1).mean()  # expected quality under the router
        lb = switch_aux_loss(probs, top, experts, alpha=1.0)
        loss = task + aux * lb
        opt.zero_grad()
        loss.backward()
        opt.step()
        aux_hist.append(float(lb.detach()))
    with torch.no_grad():
        _, top, _ = route(x @ w, 1, style="switch")
    return top, aux_hist


def run(experts: int = 8, aux_weight: float = 0.05, steps: int = 300, seed: int = 0) -> LabResult:
    seeded(seed)
    loads = {}
    aux_curves = {}
    dropped = {}
    for name, a in (("no aux loss", 0.0), (f"aux loss α = {aux_weight:g}", aux_weight)):
        top, aux_curves[name] = train_router(a, experts=experts, steps=steps, seed=seed)
        loads[name] = torch.bincount(top[:, 0], minlength=experts)
        dropped[name] = [dispatch(top, experts, capacity_factor=c).dropped / top.numel() for c in CAPACITY_FACTORS]
    n_tok = int(next(iter(loads.values())).sum())
    fig, (a1, a2) = figure(2, width=7.4, height=3.5)
    width = 0.4
    for i, (name, counts) in enumerate(loads.items()):
        a1.bar([e + (i - 0.5) * width for e in range(experts)], (counts / n_tok).tolist(), width=width, label=name)
        a2.plot(CAPACITY_FACTORS, dropped[name], marker="o", ms=3, label=name)
    a1.axhline(1 / experts, color="#6b7280", ls=":", lw=1)
    a1.set_xlabel("expert")
    a1.set_ylabel("share of tokens (top-1)")
    a1.set_title(f"Load after {steps} steps")
    a1.legend(fontsize=8)
    a2.set_xlabel("capacity factor")
    a2.set_ylabel("tokens dropped")
    a2.set_title("Dropped tokens vs capacity")
    a2.legend(fontsize=8)
    share = {k: (v / n_tok).tolist() for k, v in loads.items()}
    rows = [[c, *(dropped[k][i] for k in loads)] for i, c in enumerate(CAPACITY_FACTORS)]
    alt = (
        f"Left: share of tokens per expert after training the router: without the auxiliary loss the largest expert "
        f"takes {max(share['no aux loss']):.0%}; with it the shares sit near 1/E = {1 / experts:.0%}. Right: dropped "
        f"tokens vs capacity factor, high for the collapsed router, near zero from capacity 1.25 for the balanced one."
    )
    text = (
        "Routing feeds itself: the expert that gets more tokens gets more gradient and looks better, so a router "
        "trained on the task alone collapses onto a few experts. The Switch loss E·Σ f_i P_i (1 when uniform) pulls "
        "the load back; with balanced load a capacity factor a little above 1 drops almost nothing."
    )
    cols = ["capacity factor", *(f"dropped, {k}" for k in loads)]
    fig_out = draw(fig, alt=alt, title="MoE routing", table=table(cols, rows))
    return LabResult([fig_out], {"share": share, "dropped": dropped, "aux": aux_curves}, text)
