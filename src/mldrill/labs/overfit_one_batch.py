"""Overfit one batch, then break the loop on purpose: frozen parameters, a detached output, no zero_grad, LR × 100.
Each bug leaves its own curve shape. Plus fp16 vs bf16 underflow of small gradients, and what a loss scale rescues."""

from __future__ import annotations

import math

import torch
from torch import nn

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.losses import cross_entropy
from mldrill.ref.training import underflow_fraction

TITLE = "Overfit one batch, and the shapes of the failure modes"
AREA = "training-loop-debugging"
TOPICS = ["training-sanity-checks", "mixed-precision"]
SETTLES = [
    "training-sanity-checks/overfit-one-batch",
    "training-sanity-checks/overfit-failure-modes",
    "mixed-precision/fp16-gradient-underflow",
]
SECONDS = 1.8
PARAMS = {
    "batch": Int(2, 64, default=16, help="examples in the one batch"),
    "steps": Int(20, 1000, default=200, help="training steps"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="The training loop passes only the last layer's parameters to the optimizer... no: it passes none (a "
    "frozen model). On the overfit-one-batch test the loss curve is:",
    choices=("falling slowly", "flat from step 1", "NaN after a few steps"),
    answer=1,
    why="No update reaches the weights, so the loss never moves; no learning rate fixes a missing gradient.",
)
BUGS = ("correct", "frozen params", "detached output", "no zero_grad", "LR × 100")


def train(bug: str, x: torch.Tensor, y: torch.Tensor, steps: int, seed: int) -> list[float]:
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(x.shape[1], 64), nn.ReLU(), nn.Linear(64, 10)).double()
    params = [] if bug == "frozen params" else list(model.parameters())
    lr = 0.1 * (100 if bug == "LR × 100" else 1)
    opt = torch.optim.SGD(params or [torch.zeros(1, requires_grad=True)], lr=lr, momentum=0.9)
    losses = []
    for _ in range(steps):
        out = model(x)
        if bug == "detached output":
            out = out.detach().requires_grad_()  # the graph stops here: nothing flows back into the model
        loss = cross_entropy(out, y)
        if bug != "no zero_grad":
            opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return losses


def run(batch: int = 16, steps: int = 200, seed: int = 0) -> LabResult:
    seeded(seed)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, 20, dtype=torch.float64, generator=g)
    y = torch.randint(0, 10, (batch,), generator=g)
    curves = {b: train(b, x, y, steps, seed) for b in BUGS}
    grads = torch.exp(torch.empty(100_000, dtype=torch.float64).uniform_(math.log(1e-10), math.log(1e-2), generator=g))
    under = {
        "fp16": underflow_fraction(grads, torch.float16),
        "bf16": underflow_fraction(grads, torch.bfloat16),
        "fp16 × 65536": underflow_fraction(grads * 65536, torch.float16),
    }
    fig, (a1, a2) = figure(2, width=7.6, height=3.6)
    for b in BUGS:
        a1.plot([min(max(v, 1e-6), 1e6) if math.isfinite(v) else 1e6 for v in curves[b]], label=b)
    a1.axhline(math.log(10), color="#6b7280", ls=":", lw=1)
    a1.set_yscale("log")
    a1.set_ylim(1e-6, 2e6)
    a1.set_xlabel("step")
    a1.set_ylabel("loss on the batch")
    a1.set_title(f"One batch of {batch}")
    a1.legend(fontsize=7.5)
    a2.hist(torch.log10(grads).numpy(), bins=60, color="#e5e7eb", label="gradient magnitudes")
    a2.axvline(math.log10(2**-24), color="#b91c1c", ls="--", lw=1, label="fp16 smallest subnormal")
    a2.axvline(math.log10(2**-14), color="#b45309", ls=":", lw=1, label="fp16 smallest normal")
    a2.set_xlabel("log10 |g|")
    a2.set_title("fp16 flushes the small ones")
    a2.legend(fontsize=7.5)
    rows = [[b, curves[b][0], curves[b][-1], min(curves[b])] for b in BUGS]
    alt = (
        f"Left: loss on one batch over {steps} steps: the correct loop falls to {curves['correct'][-1]:.1e}; frozen "
        f"params and a detached output stay flat at ln 10; LR × 100 rises and blows up; no zero_grad spikes. "
        f"Right: gradient magnitudes from 1e-10 to 1e-2: {under['fp16']:.0%} underflow to 0 in fp16, "
        f"{under['bf16']:.0%} in bf16, {under['fp16 × 65536']:.0%} in fp16 after a 65,536 loss scale."
    )
    text = (
        "A correct model and loop memorise one batch: the loss heads to zero. A flat line from step 1 means no "
        "gradient reaches the weights (frozen or detached); a far too high LR climbs and explodes; gradients "
        "accumulated without zero_grad make the steps grow until the loss spikes. (SGD with momentum here: Adam's "
        "normalised steps hide the last two on a batch this small.) fp16 flushes gradients below 2⁻²⁴ to exactly "
        "zero; bf16's fp32-sized "
        "exponent does not, and a loss scale moves them back into range."
    )
    cols = ["loop", "first loss", "last loss", "lowest loss"]
    fig_out = draw(fig, alt=alt, title="Overfit one batch", table=table(cols, rows))
    return LabResult([fig_out], {"curves": curves, "underflow": under}, text)
