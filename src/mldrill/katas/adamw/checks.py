"""Hidden checks for the adamw kata. Expected values: torch.optim.AdamW, replayed step by step in float64."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from mldrill.grader.checks import Call, Check, Failure, Judge, Outcome, T, compare_arrays


def trajectory(
    opt_cls: type[torch.optim.Optimizer], p0: np.ndarray, grads: list[np.ndarray], *, parts: str = "pmv", **hp: Any
) -> tuple[list[Call], Judge]:
    """One call per step: the oracle's state before step t goes in, its state after step t is expected.

    parts: which of p, m, v the judge compares (a check about the moments alone must not see a bug in p's update).
    """
    p = torch.nn.Parameter(torch.from_numpy(p0.copy()))
    opt = opt_cls([p], **hp)
    calls, expected = [], []
    m, v = np.zeros_like(p0), np.zeros_like(p0)
    for t, g in enumerate(grads, start=1):
        before = p.detach().numpy().copy()
        p.grad = torch.from_numpy(g.copy())
        opt.step()
        st = opt.state[p]
        calls.append(Call((T(before), T(g), T(m), T(v), t), dict(hp), returns_args=(0, 2, 3)))
        m, v = st["exp_avg"].numpy().copy(), st["exp_avg_sq"].numpy().copy()
        expected.append((p.detach().numpy().copy(), m, v))

    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        for t, (o, want) in enumerate(zip(outcomes, expected, strict=True), start=1):
            if o.error is not None:
                return Failure(f"step {t}: raised {o.error}", t - 1, want)
            for name, got, exp in zip(("p", "m", "v"), o.value[1:], want, strict=True):
                if name not in parts:
                    continue
                msg = compare_arrays(got, exp, atol=1e-12, rtol=1e-9, name=f"{name} after step {t}")
                if msg:
                    return Failure(
                        msg + ("" if name != "p" or t > 1 else " (update p, m, v in place)"), t - 1, want, o.value
                    )
        return None

    return calls, judge


def same_as_explicit(p0: np.ndarray, grads: list[np.ndarray], **hp: Any) -> tuple[list[Call], Judge]:
    """Each step twice, from the same state: with the default weight_decay, then with weight_decay=1e-2 spelled out.
    The two must agree, whatever else the submission does (so only the default is judged here)."""
    calls = []
    m, v = np.zeros_like(p0), np.zeros_like(p0)
    for t, g in enumerate(grads, start=1):
        state = (T(p0), T(g), T(m), T(v), t)
        calls += [
            Call(state, dict(hp), returns_args=(0,)),
            Call(state, {**hp, "weight_decay": 1e-2}, returns_args=(0,)),
        ]

    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        for i in range(0, len(outcomes), 2):
            first, second = outcomes[i], outcomes[i + 1]
            for j, o in ((i, first), (i + 1, second)):
                if o.error is not None:
                    return Failure(f"call {j + 1}: raised {o.error}", j)
            explicit = second.value[1]
            msg = compare_arrays(first.value[1], explicit, atol=1e-15, rtol=1e-12, name="p with the default decay")
            if msg:
                return Failure(
                    f"step {i // 2 + 1}: {msg} (the expected value is p after the same step with weight_decay=1e-2)",
                    i,
                    explicit,
                    first.value[1],
                )
        return None

    return calls, judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    p0 = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) for _ in range(25)]
    tiny = [g * 1e-9 for g in grads[:5]]  # |g| ~ 1e-9 < eps: where eps sits decides the step
    W = torch.optim.AdamW
    lr_hi, wd_hi = float(rng.uniform(0.15, 0.3)), float(rng.uniform(0.4, 0.8))
    return [
        Check("matches torch.optim.AdamW over 25 steps", "p *= 1 - lr * wd, then the Adam step with the raw "
              "gradient.", *trajectory(W, p0, grads, lr=1e-2, weight_decay=0.1)),
        # m and v only: they never see p when the decay is decoupled, so a wrong decay of p is not blamed here
        Check("decay is decoupled, not L2 (M14)", "The decay must not enter m and v: adding wd * p to g is Adam + "
              "L2, a different optimizer (the decay is then divided by sqrt(v_hat) like every gradient, so weights "
              "with large gradients are barely regularized).",
              *trajectory(W, p0, grads[:5], parts="mv", lr=1e-2, weight_decay=2.0)),
        # betas = (0, 0) and eps = 0: the Adam step is lr * sign(g), so only the decay's form and place can differ
        Check("decay is scaled by lr and applied before the update", "p <- p (1 - lr * wd) first, then "
              "p - lr * m_hat / (sqrt(v_hat) + eps); decaying after the update or without lr gives another p.",
              *trajectory(W, p0, grads[:5], lr=lr_hi, betas=(0.0, 0.0), eps=0.0, weight_decay=wd_hi)),
        Check("default weight_decay is 1e-2", "torch.optim.AdamW's default weight_decay is 0.01 (Adam's is 0): "
              "leaving weight_decay out must give the same step as weight_decay=1e-2.",
              *same_as_explicit(p0, grads[:3], lr=0.05)),
        # weight_decay = 0 in the next two, so the decay cannot matter; eps = 0 in this one and the one above, so
        # where eps sits cannot; betas = (0, 0) above and in the eps check, so the bias correction (1 - 0^t = 1)
        # cannot: each sees only its own trap
        Check("bias correction from t = 1", "m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t) with t = 1 at the "
              "first step (t is 1-based: no t + 1): without it the first steps are far too small.",
              *trajectory(W, p0, grads[:3], lr=0.1, betas=(0.8, 0.99), eps=0.0, weight_decay=0.0)),
        Check("eps outside the square root", "sqrt(v_hat) + eps, not sqrt(v_hat + eps): with gradients near 1e-9 "
              "the two differ by orders of magnitude.",
              *trajectory(W, p0, tiny, lr=1e-3, betas=(0.0, 0.0), weight_decay=0.0)),
    ]  # fmt: skip
