"""BatchNorm in train vs eval mode: the batch statistics' noise vs batch size (the std of a batch mean is σ/√B),
the gap between a train-mode and an eval-mode output of the same example, and how the running averages fill up
with momentum m (the weight on the initial value after k batches is (1 − m)^k)."""

from __future__ import annotations

import numpy as np
import torch

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.norms import BatchNorm1d

TITLE = "BatchNorm: train vs eval mode, small batches, running statistics"
AREA = "activations-init-norm-residual"
TOPICS = ["batchnorm"]
SETTLES = ["batchnorm/train-vs-eval", "batchnorm/momentum-convention", "batchnorm/small-batch"]
SECONDS = 1.2
PARAMS = {
    "mu": Float(-10.0, 10.0, default=3.0, help="mean of every input feature"),
    "sigma": Float(0.1, 10.0, default=2.0, help="standard deviation of every input feature"),
    "features": Int(1, 64, default=8, help="channels C"),
    "trials": Int(50, 5000, default=1000, help="batches drawn per batch size"),
    "warmup": Int(10, 2000, default=200, help="training batches that fill the running statistics (momentum 0.1)"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="A BatchNorm1d in train mode (γ = 1, β = 0) gets batches of 2 examples. What values can its outputs take?",
    choices=("anything, like the inputs", "only −1 and +1", "only 0"),
    answer=1,
    why="With two values the batch mean sits halfway and the (biased) std is half their distance, so each output is "
    "±(d/2)/√(d²/4 + ε) ≈ ±1 whatever the inputs: the example's own value is gone, only its rank in the batch is left.",
)
BATCHES = (2, 4, 8, 16, 32, 64, 128, 256)
MOMENTA = (0.1, 0.01)


def batches(rng: torch.Generator, n: int, B: int, C: int, mu: float, sigma: float) -> torch.Tensor:
    return mu + sigma * torch.randn(n, B, C, generator=rng, dtype=torch.float64)  # (n, B, C)


def train_outputs(x: torch.Tensor) -> torch.Tensor:
    """Train-mode outputs of every batch at once: batch b's channels become columns of one (B, n·C) BatchNorm."""
    n, B, C = x.shape
    bn = BatchNorm1d(n * C, momentum=0.0).double().train()  # momentum 0: running stats untouched
    return bn(x.permute(1, 0, 2).reshape(B, n * C)).reshape(B, n, C).permute(1, 0, 2)  # (n, B, C)


@torch.no_grad()
def run(
    mu: float = 3.0, sigma: float = 2.0, features: int = 8, trials: int = 1000, warmup: int = 200, seed: int = 0
) -> LabResult:
    seeded(seed)
    g = torch.Generator().manual_seed(seed)
    C = features
    mean_std, gap, run_mean_err, rows = [], [], [], []
    share_pm1 = 0.0
    for B in BATCHES:
        bn = BatchNorm1d(C, momentum=0.1).double().train()
        for xb in batches(g, warmup, B, C, mu, sigma):
            bn(xb)  # fill running_mean / running_var as training would
        x = batches(g, trials, B, C, mu, sigma)  # fresh batches
        y_train = train_outputs(x)
        y_eval = bn.eval()(x.reshape(-1, C)).reshape(trials, B, C)
        mean_std.append(float(x.mean(1).std()))  # std over batches of a batch mean
        gap.append(float((y_train - y_eval).pow(2).mean().sqrt()))  # RMS train - eval, same examples
        run_mean_err.append(float((bn.running_mean - mu).abs().mean() / sigma))
        if B == 2:  # |y| = 1/sqrt(1 + 4 eps / d^2): ±1 unless the two inputs nearly coincide
            share_pm1 = float(((y_train.abs() - 1).abs() < 0.01).double().mean())
        rows.append([B, mean_std[-1], sigma / np.sqrt(B), gap[-1], run_mean_err[-1]])

    # running averages from zero: E[running_mean after k batches] = mu (1 - (1 - m)^k)
    steps = 120
    trace: dict[str, list[float]] = {}
    for m in MOMENTA:
        bn = BatchNorm1d(C, momentum=m).double().train()
        tr = []
        for xb in batches(g, steps, 32, C, mu, sigma):
            bn(xb)
            tr.append(float(bn.running_mean.mean()))
        trace[str(m)] = tr
    k = np.arange(1, steps + 1)

    fig, (a1, a2) = figure(2, width=7.6, height=3.8)
    a1.plot(BATCHES, [sigma / np.sqrt(b) for b in BATCHES], color="#6b7280", lw=3, alpha=0.5, label="σ/√B")
    a1.plot(BATCHES, mean_std, "o", ms=4, color="#2563eb", label="std of the batch mean")
    a1.plot(BATCHES, gap, "s-", ms=4, color="#b91c1c", label="RMS(train − eval output)")
    a1.set_xscale("log", base=2)
    a1.set_yscale("log")
    a1.set_xlabel("batch size B")
    a1.set_title("Batch-statistics noise")
    a1.legend(fontsize=8)
    for (name, tr), color in zip(trace.items(), ("#2563eb", "#b45309"), strict=True):
        m = float(name)
        a2.plot(k, tr, color=color, lw=1.4, label=f"momentum {name} (Keras {1 - m:g})")
        a2.plot(k, mu * (1 - (1 - m) ** k), color=color, ls=":", lw=1.2)
    a2.axhline(mu, color="#6b7280", lw=1, ls="--")
    a2.set_xlabel("training batches (B = 32)")
    a2.set_ylabel("running_mean (dotted: μ(1 − (1 − m)^k))")
    a2.set_title("Running mean from its zero init")
    a2.legend(fontsize=8)
    alt = (
        f"Left: over batch sizes 2 to 256 the std of the batch mean follows σ/√B and the RMS gap between train-mode "
        f"and eval-mode outputs falls from {gap[0]:.2f} at B = 2 to {gap[-1]:.3f} at B = 256. Right: running_mean "
        f"rises from 0 toward μ = {mu:g}, within a few tens of batches at momentum 0.1 and far slower at 0.01."
    )
    text = (
        "In train mode each example is normalized with its batch's mean and variance, estimates whose noise shrinks "
        "only as 1/√B; eval mode uses the running averages, a fixed affine map. So the same example comes out "
        "differently in the two modes, by a lot at B = 2 (where train-mode outputs are ±1 up to ε) and little at "
        "B = 256. PyTorch's momentum is the weight on the new batch: 0.1 forgets the zero init in tens of batches."
    )
    cols = ["B", "std of batch mean", "σ/√B", "RMS train − eval", "|running_mean − μ| / σ"]
    fig_out = draw(fig, alt=alt, title="BatchNorm train vs eval", table=table(cols, rows))
    numbers = {
        "batch": list(BATCHES),
        "mean_std": mean_std,
        "gap": gap,
        "running_mean_err": run_mean_err,
        "b2_share_pm1": share_pm1,
        "trace": trace,
        "mu": mu,
        "sigma": sigma,
    }
    return LabResult([fig_out], numbers, text)
