"""Hidden checks for the best-span kata. Expected spans come from a brute force over every valid (start, end)."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Judge, Outcome, showing


def _brute(st: np.ndarray, en: np.ndarray, max_len: int) -> tuple[int, int, float]:
    best = (0, 0, -np.inf)
    for s in range(len(st)):
        for e in range(s, min(len(st), s + max_len)):
            if st[s] + en[e] > best[2]:  # strict: the first (earliest start, then end) of equal scores stays
                best = (s, e, float(st[s] + en[e]))
    return best


def expect_spans(expected: list[tuple[int, int, float]]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, (s, e, sc)) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            try:
                gs, ge, gsc = int(o.value[0]), int(o.value[1]), float(o.value[2])
            except (TypeError, ValueError, IndexError):
                return f"call {i + 1}: expected (start, end, score), got {str(o.value)[:80]}"
            if (gs, ge) != (s, e) or abs(gsc - sc) > 1e-9 * max(1.0, abs(sc)):
                return f"call {i + 1}: got span ({gs}, {ge}) with score {gsc:.6g}, expected ({s}, {e}) with {sc:.6g}"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    rand = [(rng.normal(size=n), rng.normal(size=n), m) for n, m in ((20, 5), (40, 30), (8, 3))]

    def vary(st: list[float], en: list[float], m: int) -> tuple[np.ndarray, np.ndarray, int]:
        """The same argmax and ties, on another scale: a power of two and integer offsets keep sums exact."""
        k = 2.0 ** rng.integers(-2, 4)
        return np.array(st) * k + rng.integers(-5, 6), np.array(en) * k + rng.integers(-5, 6), m

    backwards = vary([0.0, 0.0, 0.0, 5.0, 0.0], [4.0, 0.0, 1.0, 0.0, 2.0], 5)
    long_ = vary([3.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 3.0], 3)
    ties = vary([1.0, 1.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0], 4)
    short = (rng.normal(size=4), rng.normal(size=4), 30)

    def planted(m: int, length: int) -> tuple[np.ndarray, np.ndarray, int]:
        """Small distinct noise plus one pair (s, s + length - 1) scoring about 6; every other pair scores < 3.2."""
        n = m + 4
        st, en = rng.uniform(0, 0.1, size=n), rng.uniform(0, 0.1, size=n)
        s = int(rng.integers(0, n - length + 1))
        st[s] += 3.0
        en[s + length - 1] += 3.0
        return st, en, m

    m = int(rng.integers(2, 7))
    exact, one_more = planted(m, m), planted(m, m + 1)

    # the largest start logit (about 4) sits after the only large end logit: its best span scores about 4.1, while
    # the pair (q, r) scores about 6 and is shorter than max_len (an off-by-one in the length is not blamed here)
    n_j, m_j = int(rng.integers(12, 20)), int(rng.integers(3, 6))
    js, je = rng.uniform(0, 0.1, size=n_j), rng.uniform(0, 0.1, size=n_j)
    q = int(rng.integers(0, n_j - m_j - 1))
    r = q + int(rng.integers(0, m_j - 1))
    js[q] += 3.0
    je[r] += 3.0
    js[int(rng.integers(r + 1, n_j))] += 4.0
    joint = (js, je, m_j)

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, np.ndarray, int]]) -> Check:
        calls = [Call((st, en), {"max_len": m}) for st, en, m in cases]
        return Check(name, expl, calls, expect_spans([_brute(*c) for c in cases]))

    return [
        check("matches a brute force over valid spans", "Maximize start[s] + end[e] over s <= e < s + max_len.", rand),
        check("the end is never before the start", "argmax(start) = 3 and argmax(end) = 0 here: taken separately they "
              "give an invalid span (end < start).", [backwards]),
        check("spans longer than max_len are excluded", "The best pair (0, 5) is 6 tokens long and max_len = 3: cap "
              "the answer length.", [long_]),
        check("ties go to the earliest start, then the earliest end", "Several spans tie for the best score here: keep "
              "the first one in (start, end) order, replacing only on a strictly higher score.", [ties]),
        check("a span of max_len tokens is allowed, one more is not", "(s, e) holds e - s + 1 tokens, so e runs up "
              "to s + max_len - 1: here the best pair is exactly max_len tokens long in one call and max_len + 1 in "
              "the other (an off-by-one either way picks the wrong span).", [exact, one_more]),
        check("chooses the start and the end together", "The largest start logit here has no good end within max_len "
              "after it: fixing s = argmax(start) and then taking the best end misses the best pair.", [joint]),
        check("sequences shorter than max_len", "With n < max_len every span with s <= e is allowed; do not index "
              "past the end.", [short]),
    ]  # fmt: skip
