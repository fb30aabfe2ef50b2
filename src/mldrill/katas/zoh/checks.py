"""Hidden checks for the zoh kata. Expected values: scipy.signal.cont2discrete(..., method='zoh')."""

from __future__ import annotations

import numpy as np
from scipy.signal import cont2discrete

from mldrill.grader.checks import Call, Check, expect_parts


def _zoh(A, B, dt):
    n = A.shape[0]
    Ad, Bd, *_ = cont2discrete((A, B, np.eye(n), np.zeros((n, B.shape[1]))), dt, method="zoh")
    return Ad, Bd


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def stable(n: int):
        q = rng.normal(size=(n, n))
        return q @ np.diag(-rng.uniform(0.3, 2.0, size=n)) @ np.linalg.inv(q) + 0.3 * rng.normal(size=(n, n))

    def expect(cases, only: str | None = None, atol: float = 1e-10):
        parts = [_zoh(*c) for c in cases]
        if only == "A_bar":
            parts = [(a, None) for a, _ in parts]
        elif only == "B_bar":
            parts = [(None, b) for _, b in parts]
        return expect_parts(parts, ("A_bar", "B_bar"), atol=atol, rtol=1e-8)

    def call(c) -> Call:
        return Call(c)

    random = [(stable(n), rng.normal(size=(n, m)), float(rng.uniform(0.05, 0.5))) for n, m in ((3, 1), (4, 2))]
    coupled = [(stable(3), rng.normal(size=(3, 1)), float(rng.uniform(0.3, 0.8)))]  # not diagonal, dt not small
    invertible = [(stable(3), rng.normal(size=(3, 2)), float(rng.uniform(0.3, 0.8)))]
    s = float(rng.uniform(0.5, 2.0))
    double_integrator = np.array([[0.0, s], [0.0, 0.0]])  # nilpotent: A^-1 does not exist
    rank1 = np.outer(rng.normal(size=3), rng.normal(size=3))  # rank 1: two zero eigenvalues
    singular = [
        (double_integrator, rng.normal(size=(2, 1)), float(rng.uniform(0.1, 1.0))),
        (rank1, rng.normal(size=(3, 1)), float(rng.uniform(0.1, 0.5))),
    ]

    return [
        Check(
            "matches scipy's ZOH on random systems",
            "A_bar = expm(dt A), B_bar = (integral_0^dt expm(s A) ds) B, as scipy.signal.cont2discrete(method='zoh').",
            [call(c) for c in random],
            expect(random),
        ),
        Check(
            "A_bar is the matrix exponential",
            "e^{dt A} is the matrix exponential: np.exp(dt * A) exponentiates each entry (right only for a "
            "diagonal A, and even then not off the diagonal, where exp(0) = 1), and I + dt A is Euler's "
            "first-order approximation.",
            [call(c) for c in coupled],
            expect(coupled, only="A_bar"),
        ),
        Check(
            "B_bar integrates the held input over the step",
            "With u held for a whole step, B_bar = A^{-1}(e^{dt A} - I) B: dt * B is Euler's approximation, wrong "
            "to first order in dt once dt |A| is not small.",
            [call(c) for c in invertible],
            expect(invertible, only="B_bar"),
        ),
        Check(
            "works for a singular A",
            "A^{-1}(e^{dt A} - I) B needs A invertible, but an integrator (A = [[0, 1], [0, 0]]) or a low-rank A "
            "is singular; the integral itself is finite (for the double integrator B_bar = [dt^2/2, dt] B). The "
            "block-matrix exponential expm([[A, B], [0, 0]] dt) needs no inverse.",
            [call(c) for c in singular],
            expect(singular, atol=1e-9),
        ),
    ]
