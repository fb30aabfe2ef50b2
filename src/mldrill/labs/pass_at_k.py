"""pass@k: the unbiased estimator 1 − C(n−c, k)/C(n, k) against the with-replacement plug-in 1 − (1 − c/n)^k."""

from __future__ import annotations

import numpy as np

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.eval.stats import pass_at_k

TITLE = "pass@k: the unbiased estimator vs the plug-in"
AREA = "eval-safety"
TOPICS = ["calibration-metrics"]
SETTLES = ["calibration-metrics/pass-at-k"]
SECONDS = 0.5
PARAMS = {
    "n": Int(2, 200, default=10, help="samples generated per problem"),
    "c": Int(0, 200, default=3, help="of which pass the tests"),
    "trials": Int(100, 20000, default=4000, help="Monte Carlo draws of k samples without replacement"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="n = 10 samples, c = 3 correct. pass@5 by the unbiased estimator, vs the plug-in 1 − 0.7⁵ ≈ 0.83?",
    choices=("lower than 0.83", "the same", "higher: about 0.92"),
    answer=2,
    why="Drawing 5 of the 10 without replacement, all-wrong needs 5 of the 7 wrong ones: 21/252; 1 − 0.083 ≈ 0.917.",
)


def run(n: int = 10, c: int = 3, trials: int = 4000, seed: int = 0) -> LabResult:
    if c > n:
        from mldrill.labs._core import LabError

        raise LabError(f"c: {c} correct out of n = {n} samples is impossible; choose c ≤ n")
    rng = seeded(seed)
    ks = list(range(1, n + 1))
    unbiased = [pass_at_k(n, c, k) for k in ks]
    plug_in = [1 - (1 - c / n) ** k for k in ks]
    outcomes = np.array([1] * c + [0] * (n - c))
    simulated = [float(np.mean([rng.permutation(outcomes)[:k].any() for _ in range(trials)])) for k in ks]
    fig, ax = figure()
    ax.plot(ks, unbiased, marker="o", ms=3, label="unbiased 1 − C(n−c,k)/C(n,k)")
    ax.plot(ks, plug_in, marker="o", ms=3, label="plug-in 1 − (1 − c/n)^k")
    ax.plot(ks, simulated, ls="none", marker="x", ms=6, color="#15803d", label="draw k of n (simulated)")
    ax.set_xlabel("k")
    ax.set_ylabel("pass@k")
    ax.set_title(f"n = {n}, c = {c}")
    ax.legend()
    rows = [[k, u, p, s] for k, u, p, s in zip(ks, unbiased, plug_in, simulated, strict=True)]
    alt = (
        f"pass@k vs k for n = {n}, c = {c}: the unbiased estimator (matching a simulation of drawing k of the n samples"
        f" without replacement) lies above the with-replacement plug-in and reaches 1 once k > n − c."
    )
    text = (
        "pass@k asks whether any of k samples drawn from your n is correct, drawn without replacement. The plug-in "
        "1 − (1 − c/n)^k draws with replacement and is biased low; the unbiased estimator equals the simulation and "
        "is exactly 1 whenever n − c < k."
    )
    cols = ["k", "unbiased", "plug-in", "simulated"]
    fig_out = draw(fig, alt=alt, title="pass@k estimators", table=table(cols, rows))
    return LabResult([fig_out], {"k": ks, "unbiased": unbiased, "plug_in": plug_in, "simulated": simulated}, text)
