"""Hidden checks for the dynamic-loss-scaler kata. Expected values come from mldrill.ref.training.loss_scaler_step,
which tests/ref/test_training.py checks step by step against torch.amp.GradScaler + torch.nn.utils.clip_grad_norm_
on a trajectory with injected inf and NaN gradients."""

from __future__ import annotations

import math

import numpy as np
import torch

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, compare_arrays

PARTS = ("grads", "scale", "tracker")
# The 1e-6 in clip_grad_norm_'s max_norm / (norm + 1e-6) moves the factor by under 1e-6 / max_norm (relative) when it
# clips: leaving it out, or clipping the scaled grads at S * max_norm before unscaling (where it adds to S * norm), is
# the same step to any tolerance a trainer cares about. Every bug the checks name is off by far more than 1e-5.
GRAD_TOL = {"atol": 1e-12, "rtol": 1e-5}


def _judge(expected: list[tuple[list[np.ndarray] | None, float, int]], parts: tuple[str, ...]):
    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        for i, (o, (grads, scale, tracker)) in enumerate(zip(outcomes, expected, strict=True)):
            want = [None if grads is None else [g.tolist() for g in grads], scale, tracker]
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i, want)
            if not isinstance(o.value, list | tuple) or len(o.value) != 3:
                return Failure(f"call {i + 1}: expected a tuple (grads or None, scale, tracker)", i, want, o.value)
            got_g, got_s, got_t = o.value
            if "grads" in parts:
                if grads is None and got_g is not None:
                    return Failure(f"call {i + 1}: returned gradients, expected None (the step must be skipped)", i)
                if grads is not None:
                    if got_g is None or len(got_g) != len(grads):
                        n = "None" if got_g is None else f"{len(got_g)} tensors"
                        return Failure(
                            f"call {i + 1}: returned {n} for the gradients, expected {len(grads)} tensors", i
                        )
                    for k, (a, b) in enumerate(zip(got_g, grads, strict=True)):
                        if msg := compare_arrays(a, b, name=f"grads[{k}]", **GRAD_TOL):
                            return Failure(f"call {i + 1}: {msg}", i, want, o.value)
            if "scale" in parts and not (isinstance(got_s, int | float) and math.isclose(got_s, scale, rel_tol=1e-12)):
                return Failure(f"call {i + 1}: new scale {got_s!r}, expected {scale!r}", i, want, o.value)
            if "tracker" in parts and got_t != tracker:
                return Failure(f"call {i + 1}: new growth tracker {got_t!r}, expected {tracker!r}", i, want, o.value)
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def loss_grads(spread: float = 1.0) -> list[np.ndarray]:
        shapes = [(int(rng.integers(2, 6)),), (int(rng.integers(2, 4)), int(rng.integers(2, 5))), (3,)]
        return [spread * rng.normal(size=s) for s in shapes]

    def case(lg: list[np.ndarray], scale: float, tracker: int, max_norm: float, **kw) -> tuple[Call, tuple]:
        scaled = [g * scale for g in lg]  # what backward of scale * loss produces
        kwargs = {"max_norm": max_norm, **kw}
        out, s, t = solution([torch.from_numpy(g) for g in scaled], scale, tracker, **kwargs)
        want = (None if out is None else [g.numpy() for g in out], s, t)
        return Call(([T(g) for g in scaled], scale, tracker), kwargs), want

    def check(name: str, why: str, cases: list[tuple[Call, tuple]], parts: tuple[str, ...] = PARTS) -> Check:
        return Check(name, why, [c for c, _ in cases], _judge([w for _, w in cases], parts))

    def overflow(value: float) -> list[np.ndarray]:
        lg = loss_grads()
        k = int(rng.integers(len(lg)))
        lg[k].reshape(-1)[int(rng.integers(lg[k].size))] = value
        return lg

    def s() -> float:
        return float(2.0 ** rng.integers(8, 20))

    interval = int(rng.integers(3, 12))
    big = loss_grads(spread=5.0)  # global norm well above max_norm = 1
    norms = [float(np.linalg.norm(g)) for g in big]
    uneven = [g / n * w for g, n, w in zip(big, norms, (3.0, 0.5, 0.2), strict=True)]  # norms 3, 0.5, 0.2
    return [
        check(
            "matches GradScaler and clip_grad_norm_ on clean steps",
            "Unscale, check for inf/NaN, clip by the global norm, count the clean step.",
            [
                case(loss_grads(0.1), s(), int(rng.integers(0, 100)), 1.0),
                case(loss_grads(3.0), s(), 5, 2.0, growth_interval=50, growth_factor=4.0),
            ],
        ),
        check(
            "unscale before clipping",
            "Clip the TRUE gradients: the scaled ones are S times larger, so clipping them first cuts every step "
            "down to max_norm / S after unscaling (GradScaler's docs: call unscale_ before clip_grad_norm_).",
            [case(loss_grads(0.05), 2.0**16, 0, 1.0), case(loss_grads(0.02), 2.0**12, 3, 0.5)],
            parts=("grads",),
        ),
        check(
            "an inf gradient skips the step and backs off the scale",
            "An overflow means the scale is too large: do not step (the update would be inf) and multiply the "
            "scale by backoff_factor; the next step retries at the smaller scale.",
            [
                case(overflow(math.inf), s(), int(rng.integers(1, 50)), 1.0),
                case(overflow(-math.inf), s(), 0, 1.0, backoff_factor=0.25),
            ],
            parts=("grads", "scale"),
        ),
        check(
            "NaN counts as an overflow too",
            "inf - inf and 0 * inf make NaN: a NaN gradient must skip the step just like inf. torch.isinf misses "
            "it; use torch.isfinite.",
            [case(overflow(math.nan), s(), int(rng.integers(1, 50)), 1.0)],
            parts=("grads", "scale"),
        ),
        check(
            "an overflow resets the clean-step count",
            "growth_tracker counts clean steps IN A ROW: after an overflow it restarts at 0, so the scale only "
            "grows after growth_interval consecutive clean steps.",
            [case(overflow(math.inf), s(), int(rng.integers(1, 50)), 1.0)],
            parts=("tracker",),
        ),
        check(
            "the scale grows after growth_interval clean steps",
            "The clean step that brings the count to growth_interval multiplies the scale by growth_factor and "
            "resets the count; the step before it does not (counting before adding this step grows one step late).",
            [
                case(loss_grads(0.1), s(), interval - 1, 1.0, growth_interval=interval),
                case(loss_grads(0.1), s(), interval - 2, 1.0, growth_interval=interval),
            ],
            parts=("scale", "tracker"),
        ),
        check(
            "clip by the global norm over all tensors",
            "clip_grad_norm_ computes ONE norm over every gradient and scales them all by the same factor, which "
            "keeps the update's direction; clipping each tensor by its own norm changes it.",
            [case(uneven, s(), 0, 1.0)],
            parts=("grads",),
        ),
        check(
            "clipping never scales gradients up",
            "The factor is min(1, max_norm / (norm + 1e-6)): gradients already below max_norm pass unchanged. "
            "Without the min every step is rescaled to length max_norm.",
            [case(loss_grads(0.01), s(), 0, 1.0)],
            parts=("grads",),
        ),
    ]
