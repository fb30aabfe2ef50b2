"""Hidden checks for the optimizer-memory kata. Expected bytes: measured on real torch.optim.Adam / SGD state for a
small parameter tensor (and scaled), and the published ZeRO accounting (16 B/param) for mixed precision."""

from __future__ import annotations

import torch

from mldrill.grader.checks import Call, Check, Judge, Outcome, showing


def _state_bytes(opt_cls: type, n: int, **kw: object) -> int:
    p = torch.nn.Parameter(torch.zeros(n))
    opt = opt_cls([p], lr=1e-3, **kw)
    p.grad = torch.ones(n)
    opt.step()
    return sum(t.nbytes for s in opt.state.values() for t in s.values() if torch.is_tensor(t) and t.numel() == n)


def expect_bytes(expected: list[float]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            try:
                v = float(o.value)
            except (TypeError, ValueError):
                return f"call {i + 1}: expected a number of bytes, got {str(o.value)[:60]}"
            if abs(v - e) > 1e-9 * e:
                return f"call {i + 1}: {v:.6g} bytes, expected {e:.6g}"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    n = int(rng.integers(100, 100_000))
    big = float(rng.integers(1, 1000)) * 1e9  # a model of up to a trillion parameters
    adam_state = _state_bytes(torch.optim.Adam, n) / n  # 8.0: exp_avg and exp_avg_sq in fp32
    momentum = _state_bytes(torch.optim.SGD, n, momentum=0.9) / n  # 4.0: momentum_buffer
    weights = torch.zeros(n).nbytes / n  # 4.0
    half = torch.zeros(n, dtype=torch.bfloat16).nbytes / n  # 2.0

    def raises_value_error(outcomes: list[Outcome]) -> str | None:
        err = outcomes[0].error
        return (
            None
            if err is not None and err.startswith("ValueError")
            else f"expected a ValueError, got {err or 'a value'}"
        )

    return [
        Check("SGD: weights, plus a momentum buffer", "fp32 weights are 4 B/param; momentum adds one fp32 buffer.",
              [Call((n, "sgd")), Call((n, "sgd-momentum"))], expect_bytes([n * weights, n * (weights + momentum)])),
        Check("Adam's m and v are fp32: 8 B/param (M15)", "Measured on torch.optim.Adam: exp_avg and exp_avg_sq are "
              "one fp32 each, so 175B parameters need 1.4 TB for the states alone (not 700 GB).",
              [Call((n, "adam-states")), Call((big, "adam-states"))],
              expect_bytes([n * adam_state, big * adam_state])),
        Check("full fp32 Adam training: 16 B/param", "Weights + grads + m + v, all fp32.",
              [Call((n, "adam-fp32"))], expect_bytes([n * (2 * weights + adam_state)])),
        Check("mixed-precision Adam: 16 B/param with an fp32 master copy (M15)", "bf16 weights and grads (2 + 2) plus "
              "fp32 master weights and m, v (4 + 8): 2.8 TB for 175B parameters.",
              [Call((n, "adam-mixed")), Call((big,))], expect_bytes([n * (2 * half + weights + adam_state),
                                                                   big * (2 * half + weights + adam_state)])),
        Check("8-bit optimizer states", "8-bit m and v: 2 B/param (the per-block constants are ignored here).",
              [Call((n, "adam-8bit-states"))], expect_bytes([n * 2.0])),
        Check("an unknown scheme raises ValueError", "Fail loudly on a typo instead of returning 0 or a default.",
              [Call((n, str(rng.choice(["adamw-fp8", "lion", "adam-4bit", "sgd-nesterov"]))))],
              raises_value_error),
    ]  # fmt: skip
