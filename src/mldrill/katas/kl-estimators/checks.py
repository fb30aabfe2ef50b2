"""Hidden checks for the kl-estimators kata. Expected values in float64 NumPy: k1 = -x and k3 = e^x - 1 - x with
x = log(ref / pi), the latter from its Taylor series where |x| < 1e-3 (exact to far below the tolerance)."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_parts


def _k3(x):
    series = x**2 / 2 + x**3 / 6 + x**4 / 24 + x**5 / 120
    return np.where(np.abs(x) < 1e-3, series, np.expm1(x) - x)


def _est(logp, logp_ref):
    x = logp_ref - logp
    return -x, _k3(x)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def tokens(shape, scale: float):
        logp = -rng.uniform(0.1, 6.0, size=shape)
        return logp, logp + rng.normal(scale=scale, size=shape)

    def expect(cases, only: str = "all", rtol: float = 1e-9, atol: float = 1e-12):
        parts = [_est(*c) for c in cases]
        if only == "k1":
            parts = [(k1, None) for k1, _ in parts]
        elif only == "k3":
            parts = [(None, k3) for _, k3 in parts]
        return expect_parts(parts, ("k1", "k3"), atol=atol, rtol=rtol)

    random = [tokens((int(rng.integers(5, 10)),), 1.0), tokens((3, int(rng.integers(4, 8))), 0.7)]
    k1_case = tokens((8,), 1.5)
    k3_case = tokens((2, 6), 1.2)  # ratios far from 1 on both sides
    logp = -rng.uniform(0.1, 6.0, size=8)
    tiny = (logp, logp + rng.choice([-1.0, 1.0], size=8) * 10.0 ** -rng.uniform(6, 9, size=8))

    def call(c) -> Call:
        return Call((T(c[0]), T(c[1])))

    return [
        Check(
            "matches k1 and k3 on random tokens",
            "x = log pi_ref - log pi; k1 = -x = log pi - log pi_ref; k3 = (e^x - 1) - x, elementwise.",
            [call(c) for c in random],
            expect(random),
        ),
        Check(
            "k1 is log pi - log ref",
            "KL(pi || ref) = E_pi[log pi - log ref]: the policy's log-prob comes first. The reverse sign estimates "
            "minus the KL, and the penalty then pushes the policy AWAY from the reference.",
            [call(k1_case)],
            expect([k1_case], only="k1"),
        ),
        Check(
            "k3 uses the ratio ref / pi",
            "k3 = (r - 1) - log r is unbiased only for r = pi_ref / pi, because E_pi[pi_ref / pi] = 1. With "
            "pi / pi_ref it is still >= 0 but estimates something else; x^2 / 2 (k2) is biased; and without the "
            "- 1 it is not zero at pi = ref.",
            [call(k3_case)],
            expect([k3_case], only="k3"),
        ),
        Check(
            "k3 stays accurate when the policies are nearly equal",
            "For a log-ratio x of 1e-8, k3 is about x^2 / 2 = 5e-17, but exp(x) - 1 is computed with an absolute "
            "error near 1e-16, so k3 = exp(x) - 1 - x is mostly rounding noise (even negative). torch.expm1(x) "
            "is exact for tiny x. Checked to a relative tolerance of 1e-6.",
            [call(tiny)],
            expect([tiny], only="k3", rtol=1e-6, atol=0.0),
        ),
    ]
