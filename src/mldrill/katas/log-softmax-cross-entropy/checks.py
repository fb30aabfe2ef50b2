"""Hidden checks for the log-softmax-cross-entropy kata. Expected values come from torch.nn.functional.cross_entropy."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="loss")


def _ce(logits: np.ndarray, target: np.ndarray, ignore_index: int = -100) -> np.ndarray:
    return F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(target), ignore_index=ignore_index).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = []
    for n, c in ((6, 4), (10, 7), (1, 3)):
        random.append((rng.normal(size=(n, c)) * 2, rng.integers(0, c, size=n)))
    big = (
        np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]]) * rng.uniform(0.85, 1.2)
        + rng.normal(scale=0.3, size=(2, 3)),
        np.array([0, 2]),
    )
    wrong = (
        np.array([[0.0, 800.0], [-5.0, 5.0]]) * rng.uniform(1.0, 1.25) + rng.normal(scale=0.3, size=(2, 2)),
        np.array([0, 1]),
    )  # p_y ~ e^-800 = 0
    pad_logits = rng.normal(size=(8, 5)) * 2
    pad = (pad_logits, np.array([1, -100, 3, -100, -100, 0, 4, 2]))
    custom = (pad_logits, np.array([1, 0, 3, 0, 2, 0, 4, 2]))
    return [
        Check(
            "matches F.cross_entropy on random logits",
            "CE = -z_y + logsumexp(z), averaged over the batch; the input is logits, not probabilities.",
            [Call((T(z), T(y))) for z, y in random],
            expect_scalar([_ce(z, y) for z, y in random], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "finite for logits of +-1000",
            "exp(1000) overflows: compute logsumexp with the row max subtracted (m + log sum exp(z - m)).",
            [Call((T(big[0]), T(big[1])))],
            expect_scalar([_ce(*big)], atol=1e-9, rtol=1e-9),
        ),
        Check(
            "a confidently wrong prediction gives a large finite loss, not inf",
            "log(softmax(z)) gives log(0) = -inf when p_y underflows (here e^-800): use log p = z - logsumexp(z).",
            [Call((T(wrong[0]), T(wrong[1])))],
            expect_scalar([_ce(*wrong)], atol=1e-9, rtol=1e-9),
        ),
        Check(
            "skips targets equal to -100 and averages over the rest",
            "Targets equal to ignore_index (padding) add nothing and the mean divides by the count of the others, "
            "not by N (M2).",
            [Call((T(pad[0]), T(pad[1])))],
            expect_scalar([_ce(*pad)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "uses the ignore_index argument",
            "ignore_index is a parameter: here it is 0, so every target 0 is skipped (do not hard-code -100).",
            [Call((T(custom[0]), T(custom[1])), {"ignore_index": 0})],
            expect_scalar([_ce(*custom, ignore_index=0)], atol=1e-10, rtol=1e-8),
        ),
    ]
