"""A tiny DDPM trained on a CPU: an MLP ε-predictor learns a 2-D distribution with the simple ε-MSE loss, and
ancestral sampling from pure noise draws new points. Target vs samples, the loss curve, and a two-sample energy
test that asks whether the samples and fresh target points could come from one distribution."""

from __future__ import annotations

import numpy as np
import torch

from mldrill.labs._core import Choice, Float, Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.diffusion import energy_test, sample_ddpm, train_toy

TITLE = "A 2-D DDPM trained on your CPU"
AREA = "diffusion"
TOPICS = ["ddpm"]
SETTLES = ["ddpm/eps-training", "ddpm/reverse-step"]
SECONDS = 3.3
PARAMS = {
    "dataset": Choice(("four_modes", "ring", "two_moons"), default="four_modes", help="the 2-D target distribution"),
    "T": Int(10, 500, default=50, help="diffusion steps (cosine schedule)"),
    "steps": Int(100, 10_000, default=1500, help="training steps (batch 256, Adam, cosine LR)"),
    "lr": Float(1e-4, 5e-2, default=5e-3, log=True, help="Adam's peak learning rate"),
    "samples": Int(100, 2000, default=400, help="points sampled, and fresh target points compared with them"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="The network only ever learns to predict the Gaussian noise added to a data point. Started from pure "
    "noise, 50 reverse steps of this tiny model give what?",
    choices=("blurry noise around the data's mean", "points on the four modes, in about equal shares",
             "copies of the training points"),
    answer=1,
    why="Predicting ε is (up to scale) estimating the score ∇log p(x_t) at every noise level; following it back "
    "from t = T transports noise onto the data distribution. A small MLP is too smooth to memorise 4,096 points.",
)  # fmt: skip


def make_points(name: str, n: int, g: torch.Generator) -> torch.Tensor:
    """n points (n, 2) of a distribution with spread about 1 per axis."""
    if name == "four_modes":
        centres = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
        return centres[torch.randint(0, 4, (n,), generator=g)] + 0.15 * torch.randn(n, 2, generator=g)
    angle = torch.rand(n, generator=g) * 2 * np.pi
    if name == "ring":
        return 1.4 * torch.stack([angle.cos(), angle.sin()], 1) + 0.08 * torch.randn(n, 2, generator=g)
    t = angle / 2  # two moons: half circles, one shifted and flipped
    top = torch.rand(n, generator=g) < 0.5
    x = torch.where(top, t.cos(), 1 - t.cos())
    y = torch.where(top, t.sin(), 0.5 - t.sin())
    pts = torch.stack([x - 0.5, y - 0.25], 1) + 0.05 * torch.randn(n, 2, generator=g)
    return pts / pts.std(0)


def run(
    dataset: str = "four_modes", T: int = 50, steps: int = 1500, lr: float = 5e-3, samples: int = 400, seed: int = 0
) -> LabResult:
    seeded(seed)
    data = make_points(dataset, 4096, torch.Generator().manual_seed(seed))  # the training set
    model, betas, losses = train_toy(data, T=T, steps=steps, lr=lr, seed=seed)
    x = sample_ddpm(model, betas, samples, torch.Generator().manual_seed(seed + 1))  # (samples, 2)
    target = make_points(dataset, samples, torch.Generator().manual_seed(seed + 2))  # fresh, unseen by the model
    stat, p_value = energy_test(x, target, permutations=200, seed=seed + 3)
    # The test's power: a Gaussian with the target's mean and covariance should be told apart
    gauss = (
        target.mean(0)
        + torch.randn(samples, 2, generator=torch.Generator().manual_seed(seed + 4))
        @ torch.linalg.cholesky(torch.cov(target.T)).T
    )
    g_stat, g_p = energy_test(gauss, target, permutations=200, seed=seed + 3)
    nearest_train = float(torch.cdist(x, data).min(1).values.median())
    nearest_fresh = float(torch.cdist(target, data).min(1).values.median())

    fig, (a1, a2, a3) = figure(3, width=9.2, height=3.4)
    a1.scatter(*target.T.numpy(), s=5, color="#6b7280", alpha=0.6)
    a1.set_title("Target (fresh draw)")
    a2.scatter(*x.T.numpy(), s=5, color="#2563eb", alpha=0.7)
    a2.set_title(f"DDPM samples, T = {T}")
    lim = float(torch.cat([x, target]).abs().max()) * 1.1
    for a in (a1, a2):
        a.set_xlim(-lim, lim)
        a.set_ylim(-lim, lim)
        a.set_aspect("equal")
    w = max(1, steps // 50)
    smooth = np.convolve(losses, np.ones(w) / w, mode="valid")
    a3.plot(losses, color="#e5e7eb", lw=0.8)
    a3.plot(np.arange(w - 1, len(losses)), smooth, color="#b45309", lw=1.6, label=f"mean of {w} steps")
    a3.set_yscale("log")
    a3.set_xlabel("training step")
    a3.set_ylabel("‖ε − ε_θ(x_t, t)‖² per coordinate")
    a3.set_title("ε-MSE loss")
    a3.legend(fontsize=8)
    rows = [
        ["DDPM samples vs target", stat, p_value],
        ["matched Gaussian vs target", g_stat, g_p],
    ]
    alt = (
        f"Left: {samples} fresh points of the {dataset.replace('_', ' ')} target. Middle: {samples} DDPM samples after "
        f"{steps} training steps, on the same shape. Right: the ε-MSE loss falling from {np.mean(losses[:50]):.2f} "
        f"to {np.mean(losses[-50:]):.2f}. Energy test, samples vs target: p = {p_value:.2f}; a matched Gaussian vs "
        f"target: p = {g_p:.3f}."
    )
    text = (
        "The model never sees a clean point at its input during sampling: it learns to predict the noise added at a "
        "random step t, which is a scaled estimate of the score ∇log p(x_t). Run backwards from pure noise, those "
        "predictions carry points onto the data. The loss stays well above zero (the noise at large t is "
        "unpredictable); the energy test, not the loss, says whether the samples match."
    )
    fig_out = draw(
        fig,
        alt=alt,
        title="2-D DDPM: target, samples, loss",
        table=table(["comparison", "energy distance", "p-value"], rows),
    )
    numbers = {
        "energy": stat,
        "p_value": p_value,
        "gauss_energy": g_stat,
        "gauss_p_value": g_p,
        "loss_first": float(np.mean(losses[:100])),
        "loss_last": float(np.mean(losses[-100:])),
        "losses": losses[:: max(1, steps // 500)],
        "median_nearest_train_samples": nearest_train,
        "median_nearest_train_fresh": nearest_fresh,
    }
    return LabResult([fig_out], numbers, text)
