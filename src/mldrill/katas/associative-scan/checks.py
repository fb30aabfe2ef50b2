"""Hidden checks for the associative-scan kata. Expected values: the sequential recurrence in float64 NumPy."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_close


def _scan(a, b, dim=1):
    a, b = np.moveaxis(a, dim, 0), np.moveaxis(b, dim, 0)
    h, out = np.zeros(a.shape[1:]), np.empty(a.shape)
    for t in range(a.shape[0]):
        h = a[t] * h + b[t]
        out[t] = h
    return np.moveaxis(out, 0, dim)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def case(shape, dim: int = 1):
        return rng.uniform(0.5, 1.0, size=shape) * rng.choice([-1.0, 1.0], size=shape), rng.normal(size=shape), dim

    def call(c) -> Call:
        a, b, dim = c
        return Call((T(a), T(b)), {"dim": dim})

    def expect(cases):
        return expect_close([_scan(*c) for c in cases], atol=1e-10, rtol=1e-9)

    bsz, d = int(rng.integers(2, 4)), int(rng.integers(2, 5))
    random = [case((bsz, int(t), d)) for t in (rng.integers(17, 40), 32)]
    one = [case((bsz, 1, d))]
    two = [case((bsz, 2, d)), case((bsz, 2, d))]
    powers = [case((bsz, t, d)) for t in (4, 8, 16)]
    odd = [case((bsz, t, d)) for t in (3, 5, int(rng.choice([7, 11, 13])))]
    dims = [case((9, 3, 2), dim=0), case((2, 3, 10), dim=-1), case((3, 4, 6, 2), dim=2)]

    return [
        Check(
            "matches the sequential recurrence",
            "h_t = a_t h_{t-1} + b_t with h_{-1} = 0, every t, along dim = 1.",
            [call(c) for c in random],
            expect(random),
        ),
        Check(
            "h_0 = b_0 (an inclusive scan from h = 0)",
            "The output holds h_0 .. h_{T-1} and h_0 = a_0 * 0 + b_0 = b_0: an exclusive scan (shifted by one, "
            "starting with 0) or a start from h = 1 is off by a step.",
            [call(c) for c in one],
            expect(one),
        ),
        Check(
            "one step combines as a_1 b_0 + b_1",
            "The operator is not commutative: the later step's a multiplies the earlier b, "
            "h_1 = a_1 h_0 + b_1. Swapping the operands (a_0 b_1 + b_0), or using an a already updated in the "
            "same round, composes the steps in the wrong order.",
            [call(c) for c in two],
            expect(two),
        ),
        Check(
            "the a's are scanned too",
            "After round r each position must carry the product of the a's over the 2^r steps it now spans; if a "
            "is not updated, later rounds multiply by a single step's a and every h beyond t = 2 is wrong.",
            [call(c) for c in powers],
            expect(powers),
        ),
        Check(
            "lengths that are not a power of 2",
            "Rounds continue while the offset is below T: ceil(log2 T) of them. int(log2 T) rounds (floor) leave "
            "the last positions of a length-5 or length-13 sequence without their earliest steps.",
            [call(c) for c in odd],
            expect(odd),
        ),
        Check(
            "scans along dim",
            "Time runs along the given dim (0, -1, 2 ...); every other axis is a channel. Scanning axis 1 "
            "regardless mixes channels into the recurrence.",
            [call(c) for c in dims],
            expect(dims),
        ),
    ]
