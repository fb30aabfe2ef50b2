"""Hidden checks for the adamw kata. Expected values: torch.optim.AdamW, replayed step by step in float64."""

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
    W = torch.optim.AdamW
    return [
        Check("matches torch.optim.AdamW over 25 steps", "p *= 1 - lr * wd, then the Adam step with the raw "
              "gradient.", *trajectory(W, p0, grads, lr=1e-2, weight_decay=0.1)),
        Check("decay is decoupled, not L2 (M14)", "The decay must not enter m and v: adding wd * p to g is Adam + "
              "L2, a different optimizer.", *trajectory(W, p0, grads[:5], lr=1e-2, weight_decay=2.0)),
        Check("decay is scaled by lr and applied before the update", "p <- p (1 - lr * wd) first, then "
              "p - lr * m_hat / (sqrt(v_hat) + eps); decaying after the update or without lr gives another p.",
              *trajectory(W, p0, grads[:5], lr=0.2, weight_decay=0.5)),
        Check("default weight_decay is 1e-2", "torch.optim.AdamW's default weight_decay is 0.01 (Adam's is 0).",
              *trajectory(W, p0, grads[:5], lr=0.05)),
        Check("bias correction from t = 1, eps outside the sqrt", "m / (1 - b1^t), v / (1 - b2^t) with t = 1 "
              "first; sqrt(v_hat) + eps.", *trajectory(W, p0, [g * 1e-9 for g in grads[:3]], lr=1e-3)),
    ]  # fmt: skip
