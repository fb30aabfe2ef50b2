"""Hidden checks for the log-softmax kata. Expected values come from scipy.special.log_softmax."""

from __future__ import annotations

import numpy as np
import scipy.special

from mldrill.grader.checks import Call, Check, expect_close


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = [rng.normal(size=s) * 3 for s in ((6,), (3, 5), (2, 3, 4))]
    # hand-chosen patterns, on a drawn scale with a little noise (the -inf entries stay -inf)
    big = np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1000.0, -999.0]]) * rng.uniform(0.85, 1.2) + rng.normal(
        scale=0.3, size=(2, 3)
    )
    far = np.array([[0.0, -800.0, -5.0], [900.0, 0.0, 899.0]]) * rng.uniform(0.85, 1.2) + rng.normal(
        scale=0.3, size=(2, 3)
    )  # softmax of -800 is 0.0
    masked = np.array([[1.0, -np.inf, 2.0], [0.5, 0.5, -np.inf]]) * rng.uniform(0.85, 1.2) + rng.normal(
        scale=0.3, size=(2, 3)
    )
    axis0 = rng.normal(size=(4, 3))
    return [
        Check(
            "matches scipy on random logits",
            "log softmax(x)_i = x_i - logsumexp(x) along the last axis.",
            [Call((x,)) for x in random],
            expect_close([scipy.special.log_softmax(x, axis=-1) for x in random], atol=1e-10, rtol=1e-10),
        ),
        Check(
            "finite at logits of +-1000",
            "exp(1000) overflows: subtract the max before exp (LSE = m + log sum exp(x - m)).",
            [Call((big,))],
            expect_close([scipy.special.log_softmax(big, axis=-1)], atol=1e-10, rtol=1e-10),
        ),
        Check(
            "finite where softmax underflows",
            "softmax(x) rounds to 0 for an entry 800 below the max, and log(0) = -inf; x - LSE(x) is exactly -800. "
            "This is why losses fuse log and softmax.",
            [Call((far,))],
            expect_close([scipy.special.log_softmax(far, axis=-1)], atol=1e-10, rtol=1e-10),
        ),
        Check(
            "masked (-inf) entries stay -inf and the rest are normalized",
            "A -inf logit has probability 0 (log-probability -inf) and must not turn the row into NaN.",
            [Call((masked,))],
            expect_close([scipy.special.log_softmax(masked, axis=-1)], atol=1e-10, rtol=1e-10),
        ),
        Check(
            "respects the axis argument",
            "Reduce along `axis` with keepdims=True so the result broadcasts back.",
            [Call((axis0,), {"axis": 0})],
            expect_close([scipy.special.log_softmax(axis0, axis=0)], atol=1e-10, rtol=1e-10),
        ),
    ]
