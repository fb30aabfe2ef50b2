"""Hidden checks for the ddim-step kata. Expected values: the DDIM update (Song et al. 2021, eq. 12) in float64
NumPy on a linear schedule whose abar is an explicit running product."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, expect_close


def _ddim(eps, t, t_prev, x_t, abar, eta=0.0, noise=None):
    a = abar[t]
    ap = abar[t_prev] if t_prev >= 0 else 1.0
    x0 = (x_t - np.sqrt(1 - a) * eps) / np.sqrt(a)
    sigma = eta * np.sqrt((1 - ap) / (1 - a)) * np.sqrt(1 - a / ap)
    out = np.sqrt(ap) * x0 + np.sqrt(1 - ap - sigma**2) * eps
    return out + sigma * noise if eta > 0 and noise is not None else out


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    n_steps = int(rng.integers(200, 1000))
    betas = np.linspace(1e-4, float(rng.uniform(0.01, 0.03)), n_steps)
    abar = np.empty(n_steps)
    acc = 1.0
    for i, b in enumerate(betas):
        acc *= 1 - b
        abar[i] = acc

    def case(t: int, t_prev: int, eta: float = 0.0, zero_noise: bool = False):
        shape = (int(rng.integers(2, 5)), 3)
        noise = np.zeros(shape) if zero_noise else rng.normal(size=shape)
        return rng.normal(size=shape), t, t_prev, rng.normal(size=shape), eta, noise

    def call(c) -> Call:
        eps, t, t_prev, x_t, eta, noise = c
        kw = {"eta": eta, "noise": T(noise)} if eta > 0 else {"eta": eta}
        return Call((T(eps), t, t_prev, T(x_t), T(abar)), kw)

    def want(c):
        eps, t, t_prev, x_t, eta, noise = c
        return _ddim(eps, t, t_prev, x_t, abar, eta, noise)

    def expect(cases):
        return expect_close([want(c) for c in cases], atol=1e-10, rtol=1e-9)

    def t_pair(gap_lo: int, gap_hi: int):
        t = int(rng.integers(gap_hi + 1, n_steps))
        return t, t - int(rng.integers(gap_lo, gap_hi + 1))

    random = [case(*t_pair(5, 100)), case(*t_pair(5, 100), eta=float(rng.uniform(0.3, 1.0)))]
    one_step = [case(*t_pair(1, 1))]
    skip = [case(*t_pair(10, 60)), case(*t_pair(10, 60))]
    end = [case(int(rng.integers(1, 30)), -1), case(int(rng.integers(100, n_steps)), -1)]
    eta = float(rng.uniform(0.3, 1.0))
    with_noise = case(*t_pair(10, 60), eta=eta)
    without = (*with_noise[:5], np.zeros_like(with_noise[5]))  # the same step with z = 0
    direction = [case(*t_pair(10, 60), eta=eta, zero_noise=True)]

    def noise_term(outcomes: list[Outcome]) -> str | Failure | None:
        for i, o in enumerate(outcomes):
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i)
        try:
            a, b = (np.asarray(o.value, dtype=np.float64) for o in outcomes)
        except (TypeError, ValueError):
            return "expected a tensor from each call"
        expected = want(with_noise) - want(without)  # sigma_t * z
        if a.shape != expected.shape or b.shape != expected.shape:
            return f"shape {a.shape}, expected {expected.shape}"
        if not np.allclose(a - b, expected, atol=1e-10, rtol=1e-9):
            return Failure("the part of x_prev that moves with the noise is not sigma_t * z", 0, expected, a - b)
        return None

    return [
        Check(
            "matches the DDIM update",
            "x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t); x_prev = sqrt(abar_prev) x0_hat + "
            "sqrt(1 - abar_prev - sigma^2) eps + sigma z.",
            [call(c) for c in random],
            expect(random),
        ),
        Check(
            "predicts x0 with square roots of abar_t",
            "x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, so x0_hat = (x_t - sqrt(1 - abar_t) eps) / "
            "sqrt(abar_t): dividing by abar_t itself, or subtracting (1 - abar_t) eps, over- or under-shoots x0.",
            [call(c) for c in one_step],
            expect(one_step),
        ),
        Check(
            "jumps to abar[t_prev]",
            "DDIM skips steps: the target noise level is abar[t_prev], whatever the gap. abar[t - 1] is right only "
            "for the full 1000-step chain and leaves a sample that is still noisy after a big jump.",
            [call(c) for c in skip],
            expect(skip),
        ),
        Check(
            "t_prev = -1 ends at the predicted x0",
            "The last step goes to the clean end, abar_prev = 1, so x_prev = x0_hat. abar[t_prev] with t_prev = -1 "
            "reads abar[-1], the LAST (noisiest) step of the schedule.",
            [call(c) for c in end],
            expect(end),
        ),
        Check(
            "noise enters as sigma_t * z",
            "sigma_t = eta * sqrt((1 - abar_prev) / (1 - abar_t)) * sqrt(1 - abar_t / abar_prev): the DDPM "
            "posterior std at eta = 1. Both factors are needed. (Judged as the difference between the same step "
            "with z and with z = 0.)",
            [call(with_noise), call(without)],
            noise_term,
        ),
        Check(
            "the direction term leaves room for the noise",
            "With eta > 0 the total variance is kept by shrinking the eps direction to sqrt(1 - abar_prev - "
            "sigma^2); keeping sqrt(1 - abar_prev) adds the noise variance on top.",
            [call(c) for c in direction],
            expect(direction),
        ),
    ]
