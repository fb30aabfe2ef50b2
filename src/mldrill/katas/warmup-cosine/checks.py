"""Hidden checks for the warmup-cosine kata. Expected values: a linear warmup, then torch's CosineAnnealingLR stepped
through the decay phase (its recursive form, independent of the closed form the kata asks for)."""

from __future__ import annotations

from functools import partial

import torch

from mldrill.grader.checks import Call, Check
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="lr")


def _torch_schedule(peak: float, warmup: int, total: int, min_lr: float, steps: list[int]) -> list[float]:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=peak)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=min_lr)
    decay = []
    for _ in range(total - warmup + 1):
        decay.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    return [peak * t / warmup if t < warmup else decay[min(t, total) - warmup] if t <= total else min_lr for t in steps]


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def n(lo: int, hi: int) -> int:
        return int(rng.integers(lo, hi))

    w = n(4, 20)
    total = w + n(30, 200)
    peak = float(rng.uniform(1e-4, 3e-3))
    cfg = {"peak": peak, "warmup": w, "total": total, "min_lr": peak * float(rng.uniform(0.01, 0.3))}

    def calls(steps: list[int], c: dict[str, float]) -> list[Call]:
        return [Call((t,), dict(c)) for t in steps]

    def want(steps: list[int], c: dict[str, float]) -> list[float]:
        return _torch_schedule(c["peak"], int(c["warmup"]), int(c["total"]), c["min_lr"], steps)

    body = [1, n(2, w - 1), w - 1, w, w + 1, *sorted(n(w + 2, total - 1) for _ in range(3)), total - 1, total]
    zero_min = {"peak": float(rng.uniform(1e-4, 3e-3)), "warmup": n(1, 10), "total": n(20, 80), "min_lr": 0.0}
    no_warm = {"peak": float(rng.uniform(1e-4, 3e-3)), "warmup": 0, "total": n(10, 60), "min_lr": 1e-4}
    t_nw = int(no_warm["total"])
    half = n(10, 100)  # the decay lasts 2 * half steps, so its midpoint is a whole step
    mid = {"peak": float(rng.uniform(1e-4, 3e-3)), "warmup": n(5, 40), "min_lr": float(rng.uniform(1e-5, 1e-4))}
    mid["total"] = mid["warmup"] + 2 * half
    return [
        Check(
            "matches linear warmup + CosineAnnealingLR",
            "Warmup peak * t / W for t < W, then min_lr + (peak - min_lr)(1 + cos(pi (t - W) / (total - W))) / 2.",
            calls(body, cfg),
            expect_scalar(want(body, cfg), atol=1e-15, rtol=1e-9),
        ),
        Check(
            "step 0 has learning rate 0 and step W has the peak",
            "Off-by-one in the warmup: (t + 1) / W skips the zero step, and t / (W - 1) reaches the peak one "
            "step early (step W - 1 has peak (W - 1) / W). The decay then starts from the peak: min_lr + (peak - "
            "min_lr) (1 + cos) / 2 is the peak at t = W, while min_lr + peak (1 + cos) / 2 overshoots it by min_lr.",
            calls([0, w - 1, w], cfg),
            expect_scalar([0.0, peak * (w - 1) / w, peak], atol=1e-15, rtol=1e-9),
        ),
        Check(
            "ends at min_lr on the last step",
            "The cosine runs from the peak down to min_lr (not to 0) over total - W steps.",
            calls([total], cfg) + calls([int(zero_min["total"])], zero_min),
            expect_scalar([cfg["min_lr"], 0.0], atol=1e-15, rtol=1e-9),
        ),
        Check(
            "holds min_lr after total",
            "Past `total` the cosine would rise again: clip the progress at 1 so the LR stays at min_lr.",
            calls(after := [total + 1, total + n(2, 100), 10 * total], cfg),
            expect_scalar([cfg["min_lr"]] * len(after), atol=1e-15, rtol=1e-9),
        ),
        Check(
            "halfway through the decay the LR is (peak + min_lr) / 2",
            "The decay is half a cosine period over total - W steps, starting at step W: progress = (t - W) / "
            "(total - W) and cos(pi * progress), which is 0 at the midpoint. Measuring progress from step 0 (t / "
            "total) or using a full period (2 pi) puts the midpoint elsewhere.",
            calls([int(mid["warmup"]) + half], mid),
            expect_scalar([(mid["peak"] + mid["min_lr"]) / 2], atol=1e-15, rtol=1e-9),
        ),
        Check(
            "warmup = 0 starts at the peak",
            "With no warmup, step 0 is already the cosine phase at the peak: avoid dividing by warmup = 0.",
            calls([0, t_nw // 2, t_nw], no_warm),
            expect_scalar(want([0, t_nw // 2, t_nw], no_warm), atol=1e-15, rtol=1e-9),
        ),
    ]
