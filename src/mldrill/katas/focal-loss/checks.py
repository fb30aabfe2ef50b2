"""Hidden checks for the focal-loss kata. Expected values: torchvision's formula evaluated in NumPy with scipy's stable
log-sigmoid (torchvision itself is not a dependency)."""

from __future__ import annotations

from functools import partial

import numpy as np
import scipy.special

from mldrill.grader.checks import Call, Check, T, expect_close
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="loss")


def _focal(x: np.ndarray, y: np.ndarray, alpha: float, gamma: float) -> np.ndarray:
    p = scipy.special.expit(x)
    ce = -(y * scipy.special.log_expit(x) + (1 - y) * scipy.special.log_expit(-x))
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - p_t) ** gamma
    return loss * (alpha * y + (1 - alpha) * (1 - y)) if alpha >= 0 else loss


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    x, y = rng.normal(size=(6, 4)) * 3, (rng.random((6, 4)) < 0.3).astype(float)
    big = np.array([[1000.0, -1000.0, 30.0], [-1000.0, 1000.0, -30.0]]) * rng.uniform(0.85, 1.2) + rng.normal(
        scale=0.3, size=(2, 3)
    )
    ybig = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])

    def check(name: str, expl: str, xx: np.ndarray, yy: np.ndarray, a: float, g: float, red: str = "none") -> Check:
        want = _focal(xx, yy, a, g)
        want = {"none": want, "mean": want.mean(), "sum": want.sum()}[red]
        judge = (
            expect_close([want], atol=1e-12, rtol=1e-9)
            if red == "none"
            else expect_scalar([want], atol=1e-12, rtol=1e-9)
        )
        return Check(name, expl, [Call((T(xx), T(yy)), {"alpha": a, "gamma": g, "reduction": red})], judge)

    return [
        check("matches the focal-loss formula", "alpha_t (1 - p_t)^gamma times the BCE of each element.", x, y, 0.25,
              2.0),
        check("gamma = 0 is alpha-weighted BCE", "With gamma = 0 the modulating factor is 1.", x, y, 0.25, 0.0),
        check("alpha for positives, 1 - alpha for negatives", "alpha_t = alpha y + (1 - alpha)(1 - y): weighting "
              "every element by alpha is wrong (alpha = 0.9 here makes the difference large).", x, y, 0.9, 1.0),
        check("a negative alpha disables the class weighting", "alpha < 0 means no alpha_t factor at all "
              "(torchvision's convention), not a negative weight.", x, y, -1.0, 2.0),
        check("finite for logits of +-1000", "log(sigmoid(-1000)) = log(0) = -inf: take the BCE from logits with "
              "softplus; the misclassified +-1000 elements cost about 1000.", big, ybig, 0.25, 2.0),
        check("reduction='mean'", "'mean' averages all N * C elements.", x, y, 0.25, 2.0, "mean"),
        check("reduction='sum'", "'sum' adds all elements.", x, y, 0.5, 1.5, "sum"),
    ]  # fmt: skip
