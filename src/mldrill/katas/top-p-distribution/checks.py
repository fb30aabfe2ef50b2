"""Hidden checks for the top-p-distribution kata. Expected values: the nucleus computed in float64 NumPy (sort,
exclusive cumulative sum, mask, renormalise); thresholds p drawn at least 1e-4 away from every partial sum."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, expect_close

MARGIN = 1e-4


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _nucleus(z: np.ndarray, p: float, t: float) -> tuple[np.ndarray, np.ndarray]:
    """(keep mask, renormalised distribution), row by row."""
    q = _softmax(z / t)
    order = np.argsort(-z, axis=-1, kind="stable")
    sq = np.take_along_axis(q, order, -1)
    keep_sorted = (np.cumsum(sq, -1) - sq) < p
    keep_sorted[..., 0] = True
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, -1)
    dist = np.where(keep, q, 0.0)
    return keep, dist / dist.sum(-1, keepdims=True)


def _clear(z: np.ndarray, p: float, t: float) -> bool:
    """p is at least MARGIN away from every partial sum of the sorted probabilities (no rounding decides)."""
    sq = -np.sort(-_softmax(z / t), axis=-1)
    return bool(np.abs(np.cumsum(sq, -1) - p).min() > MARGIN)


def _error(outcomes: list[Outcome]) -> Failure | None:
    for i, o in enumerate(outcomes):
        if o.error is not None:
            return Failure(f"call {i + 1}: raised {o.error}", i)
    return None


def _as_array(o: Outcome, shape: tuple[int, ...]) -> np.ndarray | str:
    try:
        got = np.asarray(o.value, dtype=np.float64)
    except (TypeError, ValueError):
        return f"expected a tensor of probabilities, got {type(o.value).__name__}"
    return got if got.shape == shape else f"shape {got.shape}, expected {shape}"


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def logits(b: int, v: int, descending: bool = False) -> np.ndarray:
        z = rng.normal(scale=rng.uniform(1.0, 2.5), size=(b, v)) + rng.uniform(-5, 5)
        return -np.sort(-z, axis=-1) if descending else z

    def draw(b: int, v: int, t: float, lo: float, hi: float, descending: bool = False, ok=lambda z, p: True):
        while True:
            z, p = logits(b, v, descending), float(rng.uniform(lo, hi))
            if _clear(z, p, t) and ok(z, p):
                return z, p

    def call(z: np.ndarray, p: float, t: float) -> Call:
        return Call((T(z), p), {"temperature": t})

    def support(cases: list[tuple[np.ndarray, float, float]]):
        """Judge only WHICH tokens have non-zero probability (so a missing renormalisation is not blamed here)."""
        masks = [_nucleus(*c)[0] for c in cases]

        def judge(outcomes: list[Outcome]) -> str | Failure | None:
            if bad := _error(outcomes):
                return bad
            for i, (o, m) in enumerate(zip(outcomes, masks, strict=True)):
                got = _as_array(o, m.shape)
                if isinstance(got, str):
                    return Failure(f"call {i + 1}: {got}", i)
                kept = got > 0
                if not np.array_equal(kept, m):
                    r = int(np.argmax((kept != m).any(-1)))
                    return Failure(
                        f"call {i + 1}, row {r}: tokens kept (non-zero probability) are "
                        f"{np.flatnonzero(kept[r]).tolist()}, expected {np.flatnonzero(m[r]).tolist()}",
                        i,
                        m.astype(np.int64),
                        kept.astype(np.int64),
                    )
            return None

        return judge

    # -- random batches (vocabulary order shuffled), two temperatures
    random = [(*draw(3, 10, t, 0.3, 0.95), t) for t in (1.0, float(rng.uniform(0.6, 0.9)))]

    # -- renormalisation: one sorted row, p above the top probability (several tokens kept)
    zr, pr = draw(1, 9, 1.0, 0.6, 0.95, True, ok=lambda z, p: _softmax(z)[0, 0] < p - 0.05)

    def judge_renorm(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _error(outcomes):
            return bad
        got = _as_array(outcomes[0], zr.shape)
        if isinstance(got, str):
            return got
        total = float(got.sum())
        if not np.isfinite(got).all() or abs(total - 1.0) > 1e-9:
            return Failure(f"the row sums to {total:.10g}, not 1", 0, _nucleus(zr, pr, 1.0)[1], got)
        kept = np.flatnonzero(got[0] > 0)
        ratio = got[0, kept] / got[0, kept[0]]
        want = np.exp(zr[0, kept] - zr[0, kept[0]])  # kept probabilities stay proportional to exp(z)
        if not np.allclose(ratio, want, rtol=1e-7, atol=0):
            return Failure("the kept probabilities are not proportional to exp(z)", 0, _nucleus(zr, pr, 1.0)[1], got)
        return None

    # -- the crossing token: sorted rows, p strictly inside a gap after the first token
    def crossing(z, p):
        q = np.sort(_softmax(z)[0])[::-1]
        return q[0] < p - 0.05

    cross = [(*draw(1, 8, 1.0, 0.4, 0.9, True, ok=crossing), 1.0) for _ in range(2)]

    # -- the top token alone exceeds p: exactly one token survives
    def peaked(z, p):
        return _softmax(z)[0, 0] > p + 0.02

    top = []
    while len(top) < 2:
        z = logits(1, 8, True)
        z[0, 0] += 4.0
        p = float(rng.uniform(0.2, 0.9)) * float(_softmax(z)[0, 0])
        if peaked(z, p) and _clear(z, p, 1.0):
            top.append((z, p, 1.0))

    # -- vocabulary order: a shuffled row
    zo, po = draw(1, 12, 1.0, 0.5, 0.9)
    ko = _nucleus(zo, po, 1.0)[0]

    def judge_order(outcomes: list[Outcome]) -> str | Failure | None:
        """The non-zero entries must sit on the most probable tokens of `logits` (in its own order) and stay
        proportional to exp(z) -- how many are kept is the crossing-token check's business."""
        if bad := _error(outcomes):
            return bad
        got = _as_array(outcomes[0], zo.shape)
        if isinstance(got, str):
            return got
        kept = got[0] > 0
        m = int(kept.sum())
        top_m = np.argsort(-zo[0], kind="stable")[:m]
        if m == 0 or set(np.flatnonzero(kept).tolist()) != set(top_m.tolist()):
            return Failure(
                f"non-zero probabilities at {np.flatnonzero(kept).tolist()}, but the {m} most probable tokens are "
                f"{sorted(top_m.tolist())}",
                0,
                ko.astype(np.int64),
                kept.astype(np.int64),
            )
        idx = np.flatnonzero(kept)
        if not np.allclose(got[0, idx] / got[0, idx].max(), np.exp(zo[0, idx] - zo[0, idx].max()), rtol=1e-7):
            return Failure("the probabilities are not those of their own tokens (are they in sorted order?)", 0)
        return None

    # -- temperature first: a nucleus size at T different from the one at 1 and at 1/T
    t_hot = float(rng.choice([0.4, 2.5]))

    def size(z, p, t):
        return int(_nucleus(z, p, t)[0].sum())

    def differs(z, p):
        k = size(z, p, t_hot)
        return (
            _clear(z, p, 1.0)
            and _clear(z, p, 1.0 / t_hot)
            and len({k, size(z, p, 1.0), size(z, p, 1.0 / t_hot)}) == 3
            and k >= 2
        )

    zt, pt = draw(1, 10, t_hot, 0.4, 0.9, True, ok=differs)
    temp = (zt, pt, t_hot)

    return [
        Check(
            "matches the renormalised nucleus distribution",
            "softmax(z / T), then keep the smallest most-probable prefix with mass >= p (the crossing token "
            "included), zero the rest and renormalise, in vocabulary order.",
            [call(*c) for c in random],
            expect_close([_nucleus(*c)[1] for c in random], atol=1e-9, rtol=1e-7),
        ),
        Check(
            "the kept probabilities are renormalised",
            "After removing the tail, the kept probabilities must be divided by their sum (or recomputed by a "
            "softmax over the kept logits): a sampler fed the raw, truncated q draws from something that is not a "
            "distribution. Sampling a token cannot reveal this; the returned distribution does.",
            [call(zr, pr, 1.0)],
            judge_renorm,
        ),
        Check(
            "the token that crosses p is kept",
            "Keep tokens while the mass BEFORE them is < p (exclusive cumsum). Keeping only those whose inclusive "
            "cumsum is < p drops the token that reaches p, and the kept mass ends below p.",
            [call(*c) for c in cross],
            support(cross),
        ),
        Check(
            "the most probable token always survives",
            "When the top token alone has probability > p, the nucleus is that one token; an inclusive cumsum "
            "removes every token and leaves nothing (NaN) to sample.",
            [call(*c) for c in top],
            support(top),
        ),
        Check(
            "probabilities come back in vocabulary order",
            "The filter works on sorted probabilities, but the answer must be scattered back so that entry i is "
            "token i's probability; returning the sorted array relabels the tokens.",
            [call(zo, po, 1.0)],
            judge_order,
        ),
        Check(
            "the temperature is applied before the filter",
            "Divide the logits by T first, then find the nucleus of softmax(z / T): the temperature changes how "
            "many tokens reach mass p. (Filtering first, or multiplying by T, keeps another set of tokens.)",
            [call(*temp)],
            support([temp]),
        ),
    ]
