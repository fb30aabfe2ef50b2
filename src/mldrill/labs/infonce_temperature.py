"""InfoNCE temperature vs the geometry it learns: a small encoder trained with InfoNCE at several τ on 4 latent classes,
measured with Wang & Isola's (2020) alignment (positive pairs close) and uniformity (points spread over the sphere),
and the mean cosine between different items of one class (local clustering)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.losses import alignment, info_nce, uniformity

TITLE = "InfoNCE temperature: uniform vs clustered embeddings"
AREA = "numerics-losses"
TOPICS = ["losses"]
SETTLES = ["losses/infonce-temperature"]
SECONDS = 2.6
PARAMS = {
    "dim": Int(2, 16, default=2, help="embedding dimension (2: points on a circle, drawn)"),
    "per_class": Int(4, 64, default=16, help="items per latent class (4 classes); every other item is a negative"),
    "steps": Int(50, 2000, default=150, help="Adam steps per temperature"),
    "seeds": Int(1, 8, default=2, help="training runs averaged per temperature"),
    "seed": Int(0, 999, default=0, help="first random seed"),
}
PREDICT = Predict(
    question="Same data, same encoder, InfoNCE with τ = 0.05 vs τ = 1. Which embedding ends up more uniformly spread "
    "over the sphere?",
    choices=("τ = 1: a softer loss spreads points out", "τ = 0.05", "neither: τ only rescales the logits"),
    answer=1,
    why="A small τ puts nearly all the gradient on the nearest negatives, which include same-class items, so it pushes "
    "every point away from its neighbours. A large τ spreads the gradient over all negatives and tolerates close "
    "neighbours: classes collapse into clusters (Wang & Liu 2021).",
)
TAUS = (0.05, 0.1, 0.2, 0.5, 1.0)
N_CLASSES = 4


def views(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    return x + 0.3 * torch.randn(x.shape, generator=g)  # the "augmentation": a small input jitter


def train(tau: float, *, dim: int, per_class: int, steps: int, seed: int) -> dict[str, float | list]:
    """Two jittered views of each item are the positive pair; every other item, same class included, a negative."""
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(N_CLASSES, 16, generator=g) * 2
    x = centers.repeat_interleave(per_class, 0) + 0.5 * torch.randn(N_CLASSES * per_class, 16, generator=g)  # (N, 16)
    labels = torch.arange(N_CLASSES).repeat_interleave(per_class)
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, dim))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(steps):
        loss = info_nce(net(views(x, g)), net(views(x, g)), tau=tau)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        z = F.normalize(net(x), dim=1)  # (N, dim) on the unit sphere
        a, b = F.normalize(net(views(x, g)), dim=1), F.normalize(net(views(x, g)), dim=1)
        sim = z @ z.T
        same = (labels[:, None] == labels[None]) & ~torch.eye(len(z), dtype=torch.bool)
        return {
            "alignment": float(alignment(a, b)),
            "uniformity": float(uniformity(z)),
            "class_cos": float(sim[same].mean()),
            "z": z.tolist(),
        }


def run(dim: int = 2, per_class: int = 16, steps: int = 150, seeds: int = 2, seed: int = 0) -> LabResult:
    seeded(seed)
    res = {
        tau: [train(tau, dim=dim, per_class=per_class, steps=steps, seed=seed + s) for s in range(seeds)]
        for tau in TAUS
    }
    metrics = {
        m: [float(np.mean([r[m] for r in res[tau]])) for tau in TAUS] for m in ("alignment", "uniformity", "class_cos")
    }
    labels = np.repeat(np.arange(N_CLASSES), per_class)
    circle = np.linspace(0, 2 * np.pi, 200)

    fig, axes = figure(3, width=9.0, height=3.4)
    for ax, tau in zip(axes[:2], (TAUS[0], TAUS[-1]), strict=True):
        z = np.array(res[tau][0]["z"])
        if dim == 2:
            ax.plot(np.cos(circle), np.sin(circle), color="#e5e7eb", lw=1)
            for c in range(N_CLASSES):
                ax.scatter(*z[labels == c].T, s=14, label=f"class {c}")
            ax.set_aspect("equal")
            ax.set_xlim(-1.15, 1.15)
            ax.set_ylim(-1.15, 1.15)
        else:  # cosine-similarity matrix, items sorted by class
            ax.imshow(z @ z.T, cmap="RdBu_r", vmin=-1, vmax=1)
        ax.set_title(f"τ = {tau:g}: uniformity {metrics['uniformity'][TAUS.index(tau)]:.2f}")
        ax.grid(False)
    a3 = axes[2]
    a3.plot(TAUS, metrics["uniformity"], "o-", ms=4, label="uniformity (lower = spread)")
    a3.plot(TAUS, metrics["class_cos"], "s-", ms=4, label="same-class cosine")
    a3.plot(TAUS, metrics["alignment"], "^-", ms=4, label="alignment (lower = closer)")
    a3.set_xscale("log")
    a3.set_xlabel("temperature τ")
    a3.set_title("Metrics vs τ")
    a3.legend(fontsize=7.5)
    rows = [[tau, *(metrics[m][i] for m in ("alignment", "uniformity", "class_cos"))] for i, tau in enumerate(TAUS)]
    alt = (
        f"Embeddings of 4 classes × {per_class} items after InfoNCE training at τ = {TAUS[0]} and τ = {TAUS[-1]}, and "
        f"the metrics vs τ: uniformity goes from {metrics['uniformity'][0]:.2f} (spread) to "
        f"{metrics['uniformity'][-1]:.2f}, and the mean same-class cosine from {metrics['class_cos'][0]:.2f} to "
        f"{metrics['class_cos'][-1]:.2f} (clustered)."
    )
    text = (
        "A small temperature sharpens the softmax over negatives, so the gradient concentrates on the nearest "
        "ones, same-class items included, and pushes every point away from its neighbours: the most uniform "
        "embedding. A large temperature spreads the gradient over all negatives and tolerates near neighbours, so "
        "each class collapses into a tight cluster: positive pairs align better, uniformity is lost."
    )
    cols = ["τ", "alignment", "uniformity", "same-class cosine"]
    fig_out = draw(fig, alt=alt, title="InfoNCE temperature", table=table(cols, rows))
    numbers = {
        "tau": list(TAUS),
        **metrics,
        "per_seed": {str(t): [{k: v for k, v in r.items() if k != "z"} for r in res[t]] for t in TAUS},
    }
    return LabResult([fig_out], numbers, text)
