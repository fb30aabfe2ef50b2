"""Hidden checks for the bce-with-logits kata. Expected values come from F.binary_cross_entropy_with_logits."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="loss")


def _bce(x: np.ndarray, y: np.ndarray, pw: np.ndarray | None = None) -> float:
    w = None if pw is None else torch.from_numpy(pw)
    return float(F.binary_cross_entropy_with_logits(torch.from_numpy(x), torch.from_numpy(y), pos_weight=w))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = [(rng.normal(size=(5, 3)) * 2, (rng.random((5, 3)) < 0.4).astype(float)) for _ in range(2)]
    big = (np.array([[1.0, -1.0], [-1.0, 1.0]]) * rng.uniform(800, 1200, (2, 2)), np.array([[1.0, 1.0], [0.0, 0.0]]))
    pw_case = (rng.normal(size=(6, 3)), (rng.random((6, 3)) < 0.5).astype(float), rng.uniform(0.3, 10, 3))
    soft = (rng.normal(size=(4, 3)), rng.random((4, 3)))
    return [
        Check(
            "matches BCEWithLogitsLoss on random multi-label targets",
            "Each element is an independent sigmoid + BCE; average over all N * C elements.",
            [Call((T(x), T(y))) for x, y in random],
            expect_scalar([_bce(*c) for c in random], atol=1e-12, rtol=1e-9),
        ),
        Check(
            "finite for logits of +-1000",
            "sigmoid(-1000) is 0.0 in floating point and log(0) = -inf; with softplus the loss of a confident miss "
            "is |x|, exactly.",
            [Call((T(big[0]), T(big[1])))],
            expect_scalar([_bce(*big)], atol=1e-9, rtol=1e-9),
        ),
        Check(
            "pos_weight scales only the positive term, per class",
            "w_c multiplies y * softplus(-x) (the positives of class c) and leaves the negative term alone; it "
            "broadcasts over the rows.",
            [Call((T(pw_case[0]), T(pw_case[1])), {"pos_weight": T(pw_case[2])})],
            expect_scalar([_bce(*pw_case)], atol=1e-12, rtol=1e-9),
        ),
        Check(
            "soft targets in [0, 1]",
            "y need not be 0/1 (label smoothing, distillation): keep both terms weighted by y and 1 - y.",
            [Call((T(soft[0]), T(soft[1])))],
            expect_scalar([_bce(*soft)], atol=1e-12, rtol=1e-9),
        ),
    ]
