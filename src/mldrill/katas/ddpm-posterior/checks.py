"""Hidden checks for the ddpm-posterior kata. Expected values: the closed form in float64 NumPy (tests/ref/
test_diffusion.py checks mldrill.ref.diffusion.posterior_coefficients against diffusers' DDPMScheduler.step)."""

from __future__ import annotations

import math

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, compare_arrays

NAMES = ("coef_x0", "coef_xt", "variance")


def _closed(betas: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    abar = np.cumprod(1.0 - betas)
    prev = np.concatenate([[1.0], abar[:-1]])
    return (
        np.sqrt(prev) * betas / (1 - abar),
        np.sqrt(1 - betas) * (1 - prev) / (1 - abar),
        (1 - prev) / (1 - abar) * betas,
    )


def _judge(schedules: list[np.ndarray], parts: tuple[str, ...], steps: str):
    """Compare the named parts on all steps, on t = 0 only ("first") or on t >= 1 ("later")."""
    cut = {"all": slice(None), "first": slice(0, 1), "later": slice(1, None)}[steps]

    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        for i, (o, b) in enumerate(zip(outcomes, schedules, strict=True)):
            want = _closed(b)
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i)
            if not isinstance(o.value, list | tuple) or len(o.value) != 3:
                return Failure(f"call {i + 1}: expected a tuple (coef_x0, coef_xt, variance)", i, actual=o.value)
            for name, got, exp in zip(NAMES, o.value, want, strict=True):
                if name not in parts:
                    continue
                arr = np.asarray(got, dtype=np.float64)
                if arr.shape != exp.shape:
                    return Failure(f"call {i + 1}: {name} has shape {arr.shape}, expected {exp.shape}", i)
                offset = 1 if steps == "later" else 0
                if msg := compare_arrays(arr[cut], exp[cut], name=f"{name}[{offset}:]" if offset else name,
                                         atol=1e-12, rtol=1e-9):  # fmt: skip
                    if name == "variance" and np.allclose(arr[cut], np.sqrt(exp[cut]), rtol=1e-9, atol=1e-12):
                        msg += " -- that is sqrt(beta~), the standard deviation: return the variance itself"
                    return Failure(f"call {i + 1}: {msg}", i, exp, got)
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def linear(n: int) -> np.ndarray:
        return np.linspace(float(rng.uniform(1e-4, 1e-3)), float(rng.uniform(0.02, 0.3)), n)

    def cosine(n: int, s: float = 0.008) -> np.ndarray:
        f = [math.cos((t / n + s) / (1 + s) * math.pi / 2) ** 2 for t in range(n + 1)]
        return np.array([min(1 - f[t + 1] / f[t], 0.999) for t in range(n)])

    def check(name: str, why: str, schedules: list[np.ndarray], parts: tuple[str, ...] = NAMES, steps: str = "later"):
        return Check(name, why, [Call((T(b),)) for b in schedules], _judge(schedules, parts, steps))

    def n() -> int:
        return int(rng.integers(8, 60))

    return [
        check(
            "matches the DDPM posterior on linear and cosine schedules",
            "coef_x0 = sqrt(abar_{t-1}) beta_t / (1 - abar_t), coef_xt = sqrt(alpha_t) (1 - abar_{t-1}) / "
            "(1 - abar_t), variance = (1 - abar_{t-1}) / (1 - abar_t) beta_t.",
            [linear(n()), cosine(n())],
            steps="all",
        ),
        check(
            "t = 0: abar_{t-1} is 1, so the mean is x_0 and the variance 0",
            "Before the first step nothing has been noised: abar_{-1} = 1. abar[t - 1] at t = 0 is abar[-1], the "
            "LAST step's value in Python, and the final sampling step then adds noise to x_0.",
            [linear(n()), cosine(n())],
            steps="first",
        ),
        check(
            "alpha-bar is the cumulative product of 1 - beta",
            "abar_t = prod_{s <= t} (1 - beta_s) is how much signal is left after t steps; alpha_t = 1 - beta_t is "
            "one step's. Using alpha where the formula says alpha-bar is the classic DDPM mix-up.",
            [linear(n())],
        ),
        check(
            "abar_{t-1} is the previous step's, not abar_t",
            "The posterior is over x_{t-1}: its coefficients need abar_{t-1}, the cumulative product one step "
            "earlier (shift right by one). Using abar_t makes the variance beta_t and the x_t coefficient "
            "sqrt(alpha_t).",
            [cosine(n())],
        ),
        check(
            "the x_t coefficient has the one-step sqrt(alpha_t)",
            "x_t = sqrt(alpha_t) x_{t-1} + sqrt(beta_t) eps: the step from t-1 to t scales by sqrt(alpha_t), so "
            "that is what weights x_t, not sqrt(abar_t).",
            [linear(n())],
            parts=("coef_xt",),
        ),
        check(
            "square roots in the mean coefficients",
            "The coefficients scale x_0 and x_t (standard deviations), so they carry sqrt(abar_{t-1}) and "
            "sqrt(alpha_t); the variance has no square root.",
            [cosine(n())],
            parts=("coef_x0", "coef_xt"),
        ),
        check(
            "the variance is beta-tilde, not beta_t",
            "The posterior variance beta~_t = (1 - abar_{t-1}) / (1 - abar_t) beta_t is smaller than beta_t "
            "(DDPM found both fine as sampling variances, but the posterior's is beta~). It is a variance: the "
            "sampler adds sqrt(beta~_t) z, so returning the square root takes it twice.",
            [linear(n())],
            parts=("variance",),
        ),
    ]
