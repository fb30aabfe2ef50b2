"""Hidden checks for the stable-softmax kata. Expected values come from the reference and from scipy."""

from __future__ import annotations

import numpy as np
import scipy.special

from mldrill.grader.checks import Call, Check, expect_close


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = [rng.normal(size=s) * 3 for s in ((5,), (4, 7), (2, 3, 6))]
    hi = rng.uniform(900, 1100, size=2)  # exp overflows above ~709 and underflows to 0 below ~-745
    big = np.array([[hi[0], hi[0] - rng.uniform(0.5, 3), -hi[0]], -hi[1] + rng.normal(size=3)])
    n = int(rng.integers(2, 9))
    axis0 = rng.normal(size=(6, 3))
    axis1 = rng.normal(size=(3, int(rng.integers(4, 8))))  # not square: a reduction without keepdims cannot broadcast
    return [
        Check(
            "matches scipy on random logits",
            "softmax(x)_i = exp(x_i) / sum_j exp(x_j) along the last axis.",
            [Call((x,)) for x in random],
            expect_close([scipy.special.softmax(x, axis=-1) for x in random], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "finite at logits of +-1000",
            "exp(1000) overflows to inf and inf/inf is NaN: subtract the row max before exp.",
            [Call((big,))],
            expect_close([solution(big)], atol=1e-12, rtol=1e-9),
        ),
        Check(
            "respects the axis argument",
            "Reduce along `axis` with keepdims=True (the max and the sum): summing over everything mixes rows, and "
            "without keepdims the reduced array does not broadcast back against the rows.",
            [Call((axis0,), {"axis": 0}), Call((axis1,), {"axis": 1})],
            expect_close(
                [scipy.special.softmax(axis0, axis=0), scipy.special.softmax(axis1, axis=1)], atol=1e-10, rtol=1e-8
            ),
        ),
        Check(
            "equal logits give 1/n",
            "Shift invariance: a constant row is uniform whatever the constant.",
            [Call((np.full((2, n), rng.uniform(-50, 50)),))],
            expect_close([np.full((2, n), 1 / n)], atol=1e-12, rtol=0),
        ),
    ]
