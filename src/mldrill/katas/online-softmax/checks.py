"""Hidden checks for the online-softmax kata. Expected values: scipy.special.softmax of the concatenation."""

from __future__ import annotations

import numpy as np
import scipy.special

from mldrill.grader.checks import Call, Check, expect_close


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    rand = [rng.normal(size=n) * 2 for n in (3, 5, 2)]

    # the hand-chosen chunks, shifted by a drawn constant (huge values scaled up) with a little noise; -inf stays
    def vary(chunks: list[list[float]], scale: float = 1.0) -> list[np.ndarray]:
        c = rng.uniform(-20, 20) if scale == 1.0 else 0.0
        return [np.array(x) * scale + c + rng.normal(scale=0.2, size=len(x)) for x in chunks]

    growing = vary([[0.0, 1.0], [5.0, 2.0], [30.0], [-1.0, 29.0]])
    big = vary([[1000.0, -1000.0], [999.0, 1001.0]], scale=rng.uniform(1.0, 1.2))
    empty = vary([[], [1.0, 2.0], [], [0.5]])
    masked = vary([[-np.inf, -np.inf], [0.0, 1.0], [-np.inf]])

    def check(name: str, expl: str, cs: list[np.ndarray]) -> Check:
        want = scipy.special.softmax(np.concatenate(cs))
        return Check(name, expl, [Call((cs,))], expect_close([want], atol=1e-12, rtol=1e-10))

    return [
        check("equals the softmax of the concatenation", "Running max and rescaled running sum, then normalize every "
              "element by the final sum.", rand),
        check("rescales the running sum when the max grows", "Each new max m' multiplies the old sum by "
              "exp(m - m'): forgetting it leaves terms measured against an old max.", growing),
        check("finite for values of +-1000", "Every exponent is relative to a running max, so nothing overflows.",
              big),
        check("empty chunks are skipped", "np.max of an empty chunk raises; an empty chunk changes nothing.", empty),
        check("a first chunk of -inf does not produce NaN", "While the running max is -inf the sum is 0: use 0 for "
              "the rescaling factor instead of exp(-inf - (-inf)) = NaN.", masked),
    ]  # fmt: skip
