"""Hidden checks for the roc-auc kata. Expected values come from sklearn.metrics.roc_auc_score."""

from __future__ import annotations

from functools import partial

import numpy as np
from sklearn.metrics import roc_auc_score

from mldrill.grader.checks import Call, Check, Outcome
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="score")


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    rand = [(np.r_[1, 0, (rng.random(n) < 0.5).astype(int)], rng.normal(size=n + 2)) for n in (10, 40)]

    def vary(y: list[int], s: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """The same ranking (ties included) in a drawn order and on a drawn scale: AUC only sees the ranking."""
        order = rng.permutation(len(y))
        return np.array(y)[order], np.array(s)[order] * rng.uniform(0.5, 4) + rng.uniform(-2, 2)

    ties = vary([1, 0, 1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5, 0.9, 0.1])
    other = rng.permutation(6)
    ties_order = (ties[0][other], ties[1][other])  # the same data, listed in another order
    # many ties between classes (scores on a 3-level scale): an arbitrary tie order is almost never right by luck
    coarse = (np.r_[1, 0, (rng.random(28) < 0.5).astype(int)], rng.integers(0, 3, size=30) * rng.uniform(0.5, 4))
    inverted = vary([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])
    one = int(rng.integers(3, 8))

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, np.ndarray]]) -> Check:
        want = [float(roc_auc_score(y, s)) for y, s in cases]
        return Check(name, expl, [Call(c) for c in cases], expect_scalar(want, atol=1e-12, rtol=1e-10))

    def raises(outcomes: list[Outcome]) -> str | None:
        err = outcomes[0].error
        return (
            None if err and err.startswith("ValueError") else f"expected a ValueError, got {err or outcomes[0].value}"
        )

    return [
        check("matches sklearn on random scores", "The fraction of (positive, negative) pairs ranked correctly.", rand),
        check("tied scores count one half, whatever the input order", "Tied pairs count 1/2: sorting with an "
              "arbitrary tie order gives a different AUC for the same data listed in another order.",
              [ties, ties_order, coarse]),
        check("a fully inverted ranking gives 0", "AUC is not symmetric: 0 means every negative outranks every "
              "positive (flip the scores to get 1).", [inverted]),
        Check("one class only raises ValueError", "AUC is undefined without both classes: raise instead of returning "
              "NaN or 0.5.", [Call((np.full(one, rng.integers(0, 2)), rng.random(one)))], raises),
    ]  # fmt: skip
