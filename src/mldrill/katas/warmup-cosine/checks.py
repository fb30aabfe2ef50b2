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
    cfg = {"peak": 3e-4, "warmup": 10, "total": 100, "min_lr": 3e-5}

    def calls(steps: list[int], c: dict[str, float]) -> list[Call]:
        return [Call((t,), dict(c)) for t in steps]

    def want(steps: list[int], c: dict[str, float]) -> list[float]:
        return _torch_schedule(c["peak"], int(c["warmup"]), int(c["total"]), c["min_lr"], steps)

    body = [1, 3, 9, 10, 11, 30, 55, 77, 99, 100]
    zero_min = {"peak": 1e-3, "warmup": 5, "total": 40, "min_lr": 0.0}
    no_warm = {"peak": 1e-3, "warmup": 0, "total": 20, "min_lr": 1e-4}
    return [
        Check(
            "matches linear warmup + CosineAnnealingLR",
            "Warmup peak * t / W for t < W, then min_lr + (peak - min_lr)(1 + cos(pi (t - W) / (total - W))) / 2.",
            calls(body, cfg),
            expect_scalar(want(body, cfg), atol=1e-15, rtol=1e-9),
        ),
        Check(
            "step 0 has learning rate 0 and step W has the peak",
            "Off-by-one in the warmup: (t + 1) / W skips the zero step and reaches the peak one step early.",
            calls([0, 10], cfg),
            expect_scalar([0.0, 3e-4], atol=1e-15, rtol=1e-9),
        ),
        Check(
            "ends at min_lr on the last step",
            "The cosine runs from the peak down to min_lr (not to 0) over total - W steps.",
            calls([100], cfg) + calls([40], zero_min),
            expect_scalar([3e-5, 0.0], atol=1e-15, rtol=1e-9),
        ),
        Check(
            "holds min_lr after total",
            "Past `total` the cosine would rise again: clip the progress at 1 so the LR stays at min_lr.",
            calls([101, 150, 1000], cfg),
            expect_scalar([3e-5, 3e-5, 3e-5], atol=1e-15, rtol=1e-9),
        ),
        Check(
            "warmup = 0 starts at the peak",
            "With no warmup, step 0 is already the cosine phase at the peak: avoid dividing by warmup = 0.",
            calls([0, 10, 20], no_warm),
            expect_scalar(want([0, 10, 20], no_warm), atol=1e-15, rtol=1e-9),
        ),
    ]
