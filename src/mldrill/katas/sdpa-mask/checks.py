"""Hidden checks for the sdpa-mask kata. Expected values: the attention formula with scipy's softmax."""

from __future__ import annotations

import numpy as np
import scipy.special

from mldrill.grader.checks import Call, Check, expect_close


def _oracle(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None, scale: float | None = None):
    """Dense formula: blocked weights are exactly 0 and a fully blocked row is all zeros."""
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale  # (..., T, S)
    if mask is None:
        return scipy.special.softmax(s, axis=-1) @ v
    blocked = np.broadcast_to(mask, s.shape)
    w = scipy.special.softmax(np.where(blocked, -1e300, s), axis=-1) * ~blocked
    dead = blocked.all(axis=-1, keepdims=True)
    return np.where(dead, 0.0, w) @ v


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def qkv(*lead: int, t: int, s: int, dk: int, dv: int, scale: float = 1.0):
        return (
            rng.normal(size=(*lead, t, dk)) * scale,
            rng.normal(size=(*lead, s, dk)) * scale,
            rng.normal(size=(*lead, s, dv)),
        )

    plain = [qkv(t=4, s=6, dk=8, dv=3), qkv(2, 3, t=5, s=5, dk=4, dv=4)]
    wide = qkv(t=3, s=4, dk=64, dv=2)  # d_k = 64: 1/sqrt(d_k) = 1/8 and 1/d_k = 1/64 give different weights
    masked = qkv(2, t=5, s=7, dk=4, dv=3)
    mask = rng.random((2, 5, 7)) < 0.4
    mask[..., 0] = False  # every query keeps at least one key here
    bcast = qkv(2, 2, t=4, s=4, dk=4, dv=2)
    causal = np.triu(np.ones((4, 4), dtype=bool), 1)  # (T, S) broadcast over (B, nh)
    dead_q = qkv(t=3, s=4, dk=4, dv=2)
    dead_m = np.array([[False, True, True, False], [True, True, True, True], [False, False, False, True]])
    huge = qkv(t=3, s=5, dk=4, dv=2, scale=40.0)  # scores of order 1e3: exp overflows without the max subtraction
    scaled = qkv(t=3, s=3, dk=4, dv=2)
    return [
        Check(
            "matches the formula without a mask",
            "softmax(q k^T / sqrt(d_k)) v over the last axis of the scores; keep the leading batch dimensions.",
            [Call(a) for a in plain],
            expect_close([_oracle(*a) for a in plain], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "scales by 1/sqrt(d_k), not 1/d_k",
            "Var(q . k) = d_k for unit-variance entries, so dividing by sqrt(d_k) brings the scores back to unit "
            "scale; dividing by d_k flattens the softmax.",
            [Call(wide)],
            expect_close([_oracle(*wide)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "True in the mask means blocked, and blocked scores are -inf before the softmax",
            "Here True = blocked (masked_fill polarity, M22). Fill with -inf before the softmax: zeroing weights "
            "after it leaves rows that do not sum to 1, and multiplying scores by 0 still attends to them.",
            [Call((*masked[:3], mask))],
            expect_close([_oracle(*masked, mask)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "the mask broadcasts over the batch and head dimensions",
            "A (T, S) mask applies to every (batch, head): let NumPy broadcast it against the (..., T, S) scores.",
            [Call((*bcast, causal))],
            expect_close([_oracle(*bcast, causal)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "a fully blocked query outputs zeros, not NaN",
            "With -inf everywhere the row max is -inf and exp(-inf - -inf) is NaN; a -1e9 fill instead spreads "
            "uniform weight over blocked keys (a silent leak, M21). Give such rows all-zero weights.",
            [Call((*dead_q, dead_m))],
            expect_close([_oracle(*dead_q, dead_m)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "finite for scores of order 1000",
            "exp(1000) overflows to inf: subtract the row max of the scores before exp.",
            [Call(huge)],
            expect_close([_oracle(*huge)], atol=1e-9, rtol=1e-7),
        ),
        Check(
            "uses the scale argument when given",
            "An explicit scale replaces 1/sqrt(d_k) (e.g. a learned temperature); do not multiply both.",
            [Call(scaled, {"scale": 0.3})],
            expect_close([_oracle(*scaled, scale=0.3)], atol=1e-10, rtol=1e-8),
        ),
    ]
