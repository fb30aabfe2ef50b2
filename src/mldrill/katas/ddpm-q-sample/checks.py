"""Hidden checks for the ddpm-q-sample kata. Expected values: float64 NumPy, with abar as an explicit running
product and the x0-form posterior mean (Ho et al. 2020, eq. 7)."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_parts


def _expected(x0, t, betas, noise):
    abar = np.empty(len(betas))
    acc = 1.0
    for i, b in enumerate(betas):
        acc *= 1.0 - b
        abar[i] = acc
    shape = (-1,) + (1,) * (x0.ndim - 1)
    a = abar[t].reshape(shape)
    a_prev = np.where(t > 0, abar[np.maximum(t - 1, 0)], 1.0).reshape(shape)
    beta = betas[t].reshape(shape)
    x_t = np.sqrt(a) * x0 + np.sqrt(1 - a) * noise
    mean = np.sqrt(a_prev) * beta / (1 - a) * x0 + np.sqrt(1 - beta) * (1 - a_prev) / (1 - a) * x_t
    return x_t, mean


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    n_steps = int(rng.integers(50, 200))
    betas = np.linspace(float(rng.uniform(1e-4, 1e-3)), float(rng.uniform(0.01, 0.03)), n_steps)

    def case(t, trailing=(3,)):
        t = np.asarray(t, dtype=np.int64)
        shape = (len(t), *trailing)
        return rng.normal(size=shape), t, betas, rng.normal(size=shape)

    def call(c) -> Call:
        x0, t, b, noise = c
        return Call((T(x0), T(t), T(b), T(noise)))

    def expect(cases, only: str | None = None):
        parts = [_expected(*c) for c in cases]
        if only == "x_t":
            parts = [(x, None) for x, _ in parts]
        elif only == "mean":
            parts = [(None, m) for _, m in parts]
        return expect_parts(parts, ("x_t", "mean"), atol=1e-10, rtol=1e-9)

    def steps(n: int, lo: int = 1):
        return rng.integers(lo, n_steps, size=n)

    random = [case(steps(5)), case(steps(4), trailing=(2, 3))]
    cumulative = [case(steps(6, lo=n_steps // 2))]  # late steps: abar_t is far from alpha_t
    first = [case(np.zeros(4, dtype=np.int64), trailing=(5,))]  # t = 0: abar_0 = alpha_0
    images = [case(steps(3), trailing=(2, 4, 4))]  # (B, C, H, W): t must broadcast over three trailing axes
    posterior = [case(steps(5))]
    zero = [case(np.zeros(int(rng.integers(3, 6)), dtype=np.int64))]

    return [
        Check(
            "matches q_sample and the posterior mean",
            "x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps; mean = sqrt(abar_{t-1}) beta_t / (1 - abar_t) x0 + "
            "sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) x_t, per example.",
            [call(c) for c in random],
            expect(random),
        ),
        Check(
            "x_t uses the cumulative product abar_t",
            "Jumping straight to step t needs abar_t = prod_{s<=t} (1 - beta_s), the signal left after t steps; "
            "alpha_t = 1 - beta_t is one step's worth and leaves x_t almost clean at every t.",
            [call(c) for c in cumulative],
            expect(cumulative, only="x_t"),
        ),
        Check(
            "x_t scales by square roots",
            "The forward process preserves variance: sqrt(abar) x0 + sqrt(1 - abar) eps has unit variance for unit "
            "x0 and eps. abar x0 + (1 - abar) eps mixes the standard deviations linearly (checked at t = 0, "
            "where abar_0 = alpha_0, so only the square roots matter).",
            [call(c) for c in first],
            expect(first, only="x_t"),
        ),
        Check(
            "a per-example t broadcasts over any shape",
            "abar[t] has shape (B,) and must become (B, 1, 1, ...) to scale each example of a (B, C, H, W) batch; "
            "a fixed [:, None] fits only 2-D inputs, and a flat (B,) lines up with the LAST axis instead.",
            [call(c) for c in images],
            expect(images),
        ),
        Check(
            "posterior mean coefficients",
            "mean = sqrt(abar_{t-1}) beta_t / (1 - abar_t) * x0 + sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) "
            "* x_t: the x0 coefficient uses abar at the PREVIOUS step, the x_t coefficient alpha_t of this step.",
            [call(c) for c in posterior],
            expect(posterior, only="mean"),
        ),
        Check(
            "abar_{t-1} = 1 at t = 0",
            "Before the first step nothing has been noised: abar_{-1} = 1 and the posterior mean at t = 0 is x0. "
            "abar[t - 1] at t = 0 silently reads abar[-1], the LAST step's (almost 0).",
            [call(c) for c in zero],
            expect(zero, only="mean"),
        ),
    ]
