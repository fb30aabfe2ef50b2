"""Hidden checks for the sdpa-mask kata. Expected values: the attention formula with scipy's softmax."""

from __future__ import annotations

import numpy as np
import scipy.special

from mldrill.grader.checks import Call, Check, Judge, Outcome, compare_arrays, expect_close


def _on_rows(rows: np.ndarray, judge: Judge) -> Judge:
    """`judge` applied to the query rows `rows` of each output (..., T, d_v) only."""

    def on(outcomes: list[Outcome]) -> object:
        def pick(o: Outcome) -> Outcome:
            try:
                return Outcome(np.asarray(o.value, dtype=np.float64)[..., rows, :], o.error, o.seconds)
            except (TypeError, ValueError, IndexError):
                return o  # not an array of queries: the judge reports its shape

        return judge([pick(o) for o in outcomes])

    return on


def _same_as_first(*, atol: float, rtol: float) -> Judge:
    """Every call must return what the first call returned (the same attention, asked two ways)."""

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, o in enumerate(outcomes):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
        first = np.asarray(outcomes[0].value, dtype=np.float64)
        for i, o in enumerate(outcomes[1:], start=2):
            msg = compare_arrays(o.value, first, atol=atol, rtol=rtol, name="output with the (T, S) mask")
            if msg:
                return f"call {i}: {msg} (the expected value is the output of call 1, the same mask spelled out)"
        return None

    return judge


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

    def some_blocked(shape: tuple[int, ...]) -> np.ndarray:
        """A random mask in which every query keeps at least one key and blocks at least one."""
        m = rng.random(shape) < 0.4
        order = np.argsort(rng.random(shape), axis=-1)
        np.put_along_axis(m, order[..., :1], False, axis=-1)
        np.put_along_axis(m, order[..., 1:2], True, axis=-1)
        return m

    # Polarity: a padding-style mask (the same keys blocked for every query). Each query is (a, 0, ..., 0) and each
    # key (+-b, ...) with a ~ 10 and one b ~ 10 per batch: kept keys score ~ +50 and tie, blocked keys ~ -50. Any
    # scale, or zeroing the blocked weights after the softmax, gives the same output here; only which side of the
    # mask is attended shows.
    t_p, s_p = int(rng.integers(3, 6)), int(rng.integers(5, 9))
    pad = some_blocked((2, 1, s_p))
    polar_q = np.zeros((2, t_p, 4))
    polar_q[..., 0] = rng.uniform(8.0, 12.0, size=(2, t_p))
    polar_k = rng.normal(size=(2, s_p, 4))
    polar_k[..., 0] = np.where(pad[:, 0, :], -1.0, 1.0) * rng.uniform(8.0, 12.0, size=(2, 1))
    polar = (polar_q, polar_k, rng.normal(size=(2, s_p, 3)))
    polar_m = np.broadcast_to(pad, (2, t_p, s_p)).copy()
    # Before vs after the softmax: v is the same vector for every key, so any weights that sum to 1 give exactly
    # that vector (whatever the polarity or the scale), and weights zeroed after the softmax give less.
    masked = qkv(2, t=5, s=7, dk=4, dv=3)
    masked = (*masked[:2], np.broadcast_to(rng.normal(size=(2, 1, 3)), (2, 7, 3)).copy())
    mask = some_blocked((2, 5, 7))
    bcast = qkv(2, 2, t=4, s=4, dk=4, dv=2)
    causal = np.triu(np.ones((4, 4), dtype=bool), 1)  # (T, S) broadcast over (B, nh)
    t_d = int(rng.integers(3, 7))
    dead_q = qkv(t=t_d, s=4, dk=4, dv=2)
    dead_m = some_blocked((t_d, 4))
    dead_rows = np.flatnonzero(rng.random(t_d) < 0.5)
    dead_rows = dead_rows if len(dead_rows) else np.array([int(rng.integers(t_d))])
    dead_m[dead_rows] = True  # those queries see no key at all
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
            "True in the mask means blocked",
            "Here True = blocked (masked_fill polarity, M22): the keys marked True get no weight and the output "
            "averages the others. Treating True as keep (SDPA's boolean polarity) attends to exactly the wrong keys.",
            [Call((*polar, polar_m))],
            expect_close([_oracle(*polar, polar_m)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "blocked scores are -inf before the softmax, not zeroed after it",
            "Fill blocked scores with -inf BEFORE the softmax, so the kept weights renormalise to sum to 1. Zeroing "
            "the blocked weights after the softmax leaves every partly blocked row summing to less than 1: the "
            "output shrinks towards 0.",
            [Call((*masked[:3], mask))],
            expect_close([_oracle(*masked, mask)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "the mask broadcasts over the batch and head dimensions",
            "A (T, S) mask applies to every (batch, head): let NumPy broadcast it against the (..., T, S) scores. "
            "The same causal mask spelled out to (B, H, T, S) must give the same output.",
            [Call((*bcast, np.broadcast_to(causal, (2, 2, 4, 4)).copy())), Call((*bcast, causal))],
            _same_as_first(atol=1e-12, rtol=1e-10),
        ),
        Check(
            "a fully blocked query outputs zeros, not NaN",
            "With -inf everywhere the row max is -inf and exp(-inf - -inf) is NaN; a -1e9 fill instead spreads "
            "uniform weight over blocked keys (a silent leak, M21). Give such rows all-zero weights.",
            [Call((*dead_q, dead_m))],
            _on_rows(dead_rows, expect_close([np.zeros((len(dead_rows), 2))], atol=1e-12, rtol=0.0)),
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
