"""Why divide by sqrt(d_k): unscaled q.k scores saturate the softmax as d_k grows; 1/d_k flattens it to uniform.

q and k have independent N(0, 1) components, so Var(q.k) = d_k. For each d_k we score one query against `n_keys`
keys three ways (raw, / sqrt(d_k), / d_k) and measure the softmax's largest weight, and the size of its
Jacobian diag(p) - pp^T (the factor every gradient to W_Q and W_K passes through).
"""

from __future__ import annotations

import numpy as np

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.numerics import softmax, softmax_jacobian

TITLE = "sqrt(d_k) keeps the softmax out of saturation"
AREA = "attention-transformers"
TOPICS = ["attention"]
SETTLES = ["attention/why-scale", "attention/scale-alternatives"]
SECONDS = 2.6
PARAMS = {
    "n_keys": Int(4, 512, default=64, help="keys each query attends over (T)"),
    "trials": Int(8, 2000, default=400, help="queries averaged per d_k"),
    "max_log2_dk": Int(6, 12, default=10, help="largest head size, as a power of two (d_k runs from 4 up)"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="Unscaled scores q·k over 64 keys with d_k = 512: how large is the biggest attention weight, on average?",
    choices=("about 1/64: nearly uniform", "about 0.2", "above 0.5: close to one-hot"),
    answer=2,
    why="The scores have standard deviation √512 ≈ 22.6, so the top score beats the runner-up by several units.",
)
SCALINGS = {"raw": lambda d: 1.0, "1/√d_k": lambda d: 1 / np.sqrt(d), "1/d_k": lambda d: 1.0 / d}


def run(n_keys: int = 64, trials: int = 400, max_log2_dk: int = 10, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    dks = [2**i for i in range(2, max_log2_dk + 1)]
    rows: list[list[float]] = []
    stats: dict[str, dict[str, list[float]]] = {name: {"max_weight": [], "jacobian": []} for name in SCALINGS}
    score_var = []
    for d in dks:
        q = rng.standard_normal((trials, 1, d))  # (N, 1, d)
        k = rng.standard_normal((trials, n_keys, d))  # (N, T, d)
        s = (q * k).sum(-1)  # (N, T)
        score_var.append(float(s.var()))
        for name, scale in SCALINGS.items():
            p = softmax(s * scale(d), axis=-1)  # (N, T)
            jac = np.linalg.norm(softmax_jacobian(p), axis=(-2, -1))  # Frobenius norm per query
            stats[name]["max_weight"].append(float(p.max(-1).mean()))
            stats[name]["jacobian"].append(float(jac.mean()))
        rows.append([d, score_var[-1], *(stats[n]["max_weight"][-1] for n in SCALINGS)])

    fig, (a1, a2) = figure(2, width=7.2, height=3.8)
    for name in SCALINGS:
        a1.plot(dks, stats[name]["max_weight"], marker="o", ms=3, label=name)
        a2.plot(dks, stats[name]["jacobian"], marker="o", ms=3, label=name)
    a1.axhline(1 / n_keys, ls=":", color="#6b7280", lw=1)
    a1.text(dks[-1], 1.25 / n_keys, "uniform 1/T", color="#6b7280", fontsize=9, ha="right")
    for a in (a1, a2):
        a.set_xscale("log", base=2)
        a.set_xlabel("head size d_k")
    a1.set_yscale("log")
    a1.set_ylabel("mean largest weight")
    a1.set_title("Saturation")
    a2.set_ylabel("‖diag(p) − ppᵀ‖ (gradient factor)")
    a2.set_title("Gradient through the softmax")
    fig.legend(*a1.get_legend_handles_labels(), loc="outside lower center", ncols=3)
    alt = (
        f"Two panels over d_k from 4 to {dks[-1]}. Raw scores: the largest weight climbs to "
        f"{stats['raw']['max_weight'][-1]:.2f} and the softmax Jacobian shrinks. Scaled by 1/√d_k both stay flat "
        f"(largest weight ≈ {stats['1/√d_k']['max_weight'][-1]:.2f}). Scaled by 1/d_k the weights approach uniform."
    )
    fig_out = draw(
        fig,
        alt=alt,
        title="Largest softmax weight and Jacobian norm vs d_k",
        table=table(["d_k", "Var(q·k)", *(f"max weight {n}" for n in SCALINGS)], rows),
    )
    text = (
        "Var(q·k) grows like d_k, so raw scores push the softmax toward one-hot and shrink its Jacobian, the factor "
        "every gradient to W_Q and W_K passes through: saturated rows pass almost none, while the larger scores keep "
        "the average gradient from shrinking, so it is concentrated and noisy. Dividing by √d_k holds both curves "
        "flat at every head size; dividing by d_k overshoots and leaves attention nearly uniform."
    )
    return LabResult([fig_out], {"d_k": dks, "score_var": score_var, "n_keys": n_keys, **stats}, text)
