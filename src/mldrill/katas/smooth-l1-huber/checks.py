"""Hidden checks for the smooth-l1-huber kata. Expected values come from torch.nn.functional.smooth_l1_loss."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_close
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="loss")


def _sl1(p: np.ndarray, t: np.ndarray, beta: float, reduction: str = "mean") -> np.ndarray:
    return F.smooth_l1_loss(torch.from_numpy(p), torch.from_numpy(t), beta=beta, reduction=reduction).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    p, t = rng.normal(size=(6, 4)) * 2, rng.normal(size=(6, 4)) * 2

    def check(name: str, expl: str, beta: float, reduction: str = "mean") -> Check:
        want = _sl1(p, t, beta, reduction)
        judge = expect_close if reduction == "none" else expect_scalar
        calls = [Call((T(p), T(t)), {"beta": beta, "reduction": reduction})]
        return Check(name, expl, calls, judge([want], atol=1e-12, rtol=1e-10))

    return [
        check("matches SmoothL1Loss at beta = 1", "Quadratic r^2 / 2 below 1, linear r - 1/2 above.", 1.0),
        check("divides the quadratic part by beta (not Huber)", "SmoothL1_beta = Huber_beta / beta: its linear part "
              "has slope 1 and its quadratic part is r^2 / (2 beta). Huber with delta = beta is beta times larger "
              "(M4).", 2.5),
        check("small beta", "beta = 0.3: most residuals fall in the linear part r - beta / 2.", 0.3),
        check("beta = 0 is L1", "Dividing by beta = 0 gives NaN: beta = 0 means the plain absolute error.", 0.0),
        check("reduction='none' keeps the shape", "Elementwise losses, same shape as the input.", 1.5, "none"),
        check("reduction='sum'", "The sum, not the mean, of the elementwise losses.", 0.7, "sum"),
    ]  # fmt: skip
