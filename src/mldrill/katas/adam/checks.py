"""Hidden checks for the adam kata. Expected values: torch.optim.Adam, replayed step by step in float64."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from mldrill.grader.checks import Call, Check, Failure, Judge, Outcome, T, compare_arrays


def trajectory(
    opt_cls: type[torch.optim.Optimizer], p0: np.ndarray, grads: list[np.ndarray], **hp: Any
) -> tuple[list[Call], Judge]:
    """One call per step: the oracle's state before step t goes in, its state after step t is expected."""
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
                msg = compare_arrays(got, exp, atol=1e-12, rtol=1e-9, name=f"{name} after step {t}")
                if msg:
                    return Failure(
                        msg + ("" if name != "p" or t > 1 else " (update p, m, v in place)"), t - 1, want, o.value
                    )
        return None

    return calls, judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    p0 = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) for _ in range(25)]
    tiny = [g * 1e-9 for g in grads[:5]]  # |g| ~ 1e-9 < eps: where eps sits decides the step
    return [
        Check("matches torch.optim.Adam over 25 steps", "m and v are exponential moving averages of g and g^2; "
              "the step is lr * m_hat / (sqrt(v_hat) + eps); p, m and v are updated in place.",
              *trajectory(torch.optim.Adam, p0, grads, lr=1e-2)),
        # eps = 0 here, so where eps sits cannot matter; betas = (0, 0) in the next two, so the bias correction
        # (1 - 0^t = 1) cannot: each check sees only its own trap
        Check("bias correction from t = 1", "m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t) with t = 1 at the "
              "first step (t is 1-based: no t + 1): without it the first steps are far too small.",
              *trajectory(torch.optim.Adam, p0, grads[:3], lr=0.1, betas=(0.8, 0.99), eps=0.0)),
        Check("eps outside the square root", "sqrt(v_hat) + eps, not sqrt(v_hat + eps): with gradients near 1e-9 the "
              "two differ by orders of magnitude.",
              *trajectory(torch.optim.Adam, p0, tiny, lr=1e-3, betas=(0.0, 0.0))),
        Check("weight_decay is L2 added to the gradient", "Adam's weight_decay adds lambda * p to g before the "
              "moments (coupled); it is not AdamW's decoupled decay.",
              *trajectory(torch.optim.Adam, p0, grads, lr=1e-2, betas=(0.0, 0.0), eps=0.0, weight_decay=0.5)),
    ]  # fmt: skip
