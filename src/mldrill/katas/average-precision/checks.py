"""Hidden checks for the average-precision kata. Expected values come from sklearn.metrics.average_precision_score."""

from __future__ import annotations

from functools import partial

import numpy as np
from sklearn.metrics import average_precision_score

from mldrill.grader.checks import Call, Check
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="score")


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    rand = [((rng.random(n) < 0.4).astype(int), rng.normal(size=n)) for n in (12, 30)]
    rand = [(y, s) if 0 < y.sum() < len(y) else (np.r_[y, 1, 0], np.r_[s, 0.1, 0.2]) for y, s in rand]

    def vary(y: list[int], s: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """The same ranking (ties included) in another order and on another scale: AP only sees the ranking."""
        order = rng.permutation(len(y))
        return np.array(y)[order], np.array(s)[order] * rng.uniform(0.5, 4) + rng.uniform(-2, 2)

    convex = vary([1, 0, 1, 0, 0, 1, 0, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    rising = vary([1, 0, 0, 1, 1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])  # precision 2/4, then 3/5
    ties = vary([1, 0, 1, 1, 0, 0, 1], [0.9, 0.7, 0.7, 0.7, 0.3, 0.3, 0.1])
    perfect = vary([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, np.ndarray]]) -> Check:
        want = [float(average_precision_score(y, s)) for y, s in cases]
        return Check(name, expl, [Call(c) for c in cases], expect_scalar(want, atol=1e-12, rtol=1e-10))

    return [
        check("matches sklearn on random scores", "Sum over thresholds of recall gained times precision.", rand),
        check("step-wise, not the trapezoid", "Linear interpolation between PR points (np.trapz of precision over "
              "recall) overestimates AP, and so does the interpolated precision of PASCAL VOC (the best precision at "
              "any later cut); sklearn sums rectangles of the precision at each threshold.", [convex, rising]),
        check("tied scores are one threshold", "Three examples share one score: they cross the threshold together, so "
              "precision is evaluated once after all of them, not one by one in some arbitrary order.", [ties]),
        check("a perfect ranking gives 1", "All positives above all negatives: precision 1 at every recall step.",
              [perfect]),
    ]  # fmt: skip
