"""The LR schedule zoo over one run: step, cosine, warmup + cosine, linear with warmup, one-cycle, Noam (inverse
square root) and cosine with warm restarts, all from mldrill.ref.schedules (each tested against torch's schedulers)."""

from __future__ import annotations

import math

from mldrill.labs._core import Float, Int, LabResult, Predict, draw, figure, table
from mldrill.ref.schedules import (
    cosine_lr,
    cosine_warm_restarts,
    cosine_with_warmup,
    linear_with_warmup,
    noam,
    one_cycle,
    step_lr,
)

TITLE = "The LR schedule zoo"
AREA = "optimizers-lr-schedules"
TOPICS = ["lr-schedules"]
SETTLES = ["lr-schedules/cosine", "lr-schedules/onecycle-defaults", "lr-schedules/noam-peak"]
SECONDS = 0.8
PARAMS = {
    "total": Int(100, 100_000, default=10_000, help="training steps"),
    "warmup_pct": Int(0, 50, default=4, help="warmup, in percent of the run"),
    "peak": Float(1e-5, 1.0, default=1e-3, help="peak learning rate", log=True),
}
PREDICT = Predict(
    question="Cosine decay from the peak to 0: how much of the peak LR is left a quarter of the way through?",
    choices=("75 %, like linear", "about 85 %", "about 50 %"),
    answer=1,
    why="½(1 + cos(π/4)) ≈ 0.854: cosine decays slower than linear at first and faster in the middle.",
)


def schedules(total: int, warmup: int, peak: float) -> dict[str, list[float]]:
    steps = range(total)
    noam_scale = peak / noam(max(warmup, 1), d_model=512, warmup=max(warmup, 1))  # same peak as the others
    return {
        "step (×0.1 every third)": [step_lr(t, lr=peak, step_size=max(1, total // 3)) for t in steps],
        "cosine": [cosine_lr(t, lr=peak, T_max=total) for t in steps],
        "warmup + cosine": [cosine_with_warmup(t, peak=peak, warmup=warmup, total=total) for t in steps],
        "warmup + linear": [linear_with_warmup(t, peak=peak, warmup=warmup, total=total) for t in steps],
        "one-cycle": [one_cycle(t, max_lr=peak, total_steps=total) for t in steps],
        "Noam (1/√t)": [noam_scale * noam(t, d_model=512, warmup=max(warmup, 1)) for t in steps],
        "cosine restarts": [cosine_warm_restarts(t, lr=peak, T_0=max(1, total // 7), T_mult=2) for t in steps],
    }


def run(total: int = 10_000, warmup_pct: int = 4, peak: float = 1e-3) -> LabResult:
    warmup = total * warmup_pct // 100
    s = schedules(total, warmup, peak)
    fig, (a1, a2) = figure(2, width=7.6, height=3.8)
    for name, v in s.items():
        a1.plot([x / peak for x in v], lw=1.3, label=name)
        a2.plot([max(x, 1e-12) for x in v], lw=1.3)
    a1.set_xlabel("step")
    a1.set_ylabel("LR / peak")
    a1.set_title("Linear scale")
    a2.set_yscale("log")
    a2.set_ylim(peak * 1e-6, peak * 2)
    a2.set_xlabel("step")
    a2.set_title("Log scale")
    fig.legend(*a1.get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize=8)
    marks = [0, total // 4, total // 2, 3 * total // 4, total - 1]
    rows = [[name, *(v[m] / peak for m in marks)] for name, v in s.items()]
    card = {
        "cosine_quarter": cosine_lr(total // 4, lr=1.0, T_max=total),
        "cosine_three_quarters": cosine_lr(3 * total // 4, lr=1.0, T_max=total),
        "onecycle_start": one_cycle(0, max_lr=1e-3, total_steps=1000),
        "onecycle_peak_step": max(range(1000), key=lambda t: one_cycle(t, max_lr=1e-3, total_steps=1000)),
        "onecycle_end": one_cycle(999, max_lr=1e-3, total_steps=1000),
        "noam_peak": noam(4000, d_model=512, warmup=4000),
        "noam_argmax": max(range(1, 20_000, 50), key=lambda t: noam(t, d_model=512, warmup=4000)),
    }
    alt = (
        f"Seven learning-rate schedules over {total} steps with peak {peak:g} and {warmup} warmup steps, on linear and "
        f"log axes. Cosine keeps {card['cosine_quarter']:.3f} of the peak a quarter of the way in; one-cycle starts at "
        f"peak/25, peaks at 30 % of the run and ends near peak/250,000; Noam decays as 1/√t after warmup."
    )
    text = (
        "Warmup protects the first steps, when Adam's statistics and the weights are least settled; after it the "
        "shapes differ in when they spend their high-LR budget. Cosine stays high longest, one-cycle starts low and "
        "ends four orders below its start, and Noam never reaches a floor."
    )
    cols = ["schedule", *(f"t = {m}" for m in marks)]
    fig_out = draw(fig, alt=alt, title="LR schedules", table=table(cols, rows))
    return LabResult([fig_out], {"card": card, "sqrt_check": math.sqrt(512 * 4000)}, text)
