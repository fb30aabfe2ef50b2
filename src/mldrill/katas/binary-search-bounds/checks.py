"""Hidden checks for the binary-search-bounds kata. Expected indices come from bisect.bisect_left."""

from __future__ import annotations

import bisect

from mldrill.grader.checks import Call, Check, expect_equal


def _last_mid(a: list[int], x: int) -> int | None:
    """The last mid the closed-open lower_bound loop probes (None when it never probes): the answer is lo, and a
    search that returns mid instead is right exactly when this equals the answer."""
    lo, hi, mid = 0, len(a), None
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if a[mid] < x else (lo, mid)
    return mid


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    a = sorted(int(v) for v in rng.integers(0, 30, size=40))
    probes = [int(v) for v in rng.integers(-2, 33, size=25)]
    o, step = int(rng.integers(-1000, 1000)), int(rng.integers(1, 50))

    def t(v: int) -> int:  # the hand-chosen values, shifted and spread: same order, same ties
        return o + step * v

    def mid_is_answer(arr: list[int], xs: list[int]) -> bool:
        return all(_last_mid(arr, x) in (None, bisect.bisect_left(arr, x)) for x in xs)

    # The edge-case checks below use inputs on which returning the last mid instead of lo happens to be right, so
    # that bug is blamed only by the check that names it (their sizes are drawn until that holds).
    for _ in range(10_000):  # a few percent of draws qualify
        runs = (int(rng.integers(1, 6)), int(rng.integers(3, 12)), int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        dup = [v for v, count in zip((t(1), t(2), t(3), t(5)), runs, strict=True) for _ in range(count)]
        if mid_is_answer(dup, [t(2), t(3), t(4)]):
            break
    else:
        raise RuntimeError("no duplicate layout found")
    for _ in range(10_000):  # odd length; every probe is absent (odd), so ties play no part here
        n = 2 * int(rng.integers(8_000, 12_000)) + 1
        evens = range(o, o + 2 * n, 2)  # the list to be, indexed lazily while drawing
        ends = [o - 1, o + 2 * int(rng.integers(1, n - 1)) + 1, evens[-1] - 1]  # answers 0, some i, n - 1
        if mid_is_answer(evens, ends):
            break
    else:
        raise RuntimeError("no list length found")
    big = list(evens)
    # distinct even values probed at absent odd values whose search ends on lo = mid + 1 (answer = last mid + 1)
    spread = [o + 2 * i for i in range(int(rng.integers(20, 60)))]
    after = [x for x in range(spread[0] + 1, spread[-1], 2) if _last_mid(spread, x) != bisect.bisect_left(spread, x)]
    after = [int(x) for x in rng.choice(after, size=4, replace=False)]

    def case(arr: list[int], xs: list[int]) -> tuple[list[Call], object]:
        return [Call((arr, x)) for x in xs], expect_equal([bisect.bisect_left(arr, x) for x in xs])

    def cases(*pairs: tuple[list[int], int]) -> tuple[list[Call], object]:
        return [Call(p) for p in pairs], expect_equal([bisect.bisect_left(arr, x) for arr, x in pairs])

    return [
        Check("matches bisect_left on a sorted list with duplicates",
              "First index with a[i] >= x: insert before equal elements.", *case(a, probes)),
        Check("returns the first of several equal elements",
              "On a[mid] == x keep searching left (hi = mid): returning as soon as a[mid] == x finds *an* index, "
              "not the first; testing a[mid] <= x instead of a[mid] < x lands after the equal elements.",
              *case(dup, [t(2), t(3), t(4)])),
        Check("can return len(a)",
              "When every element is smaller than x the answer is len(a): start with hi = len(a), not len(a) - 1 "
              "(and return lo, not the last mid, which is at most len(a) - 1).",
              *cases((dup, t(6)), (dup, t(100)), (big, big[-1] + 1))),
        Check("returns 0 below every element",
              "x at or below a[0] inserts at 0, before every element equal to a[0] (ties at the front are ties too).",
              *case(dup, [t(-5), t(1)]), ),
        Check("empty list", "An empty list has answer 0: do not read a[0] or a[-1].",
              *case([], [int(rng.integers(-100, 100))])),
        Check("a large list (odd length), answers at both ends",
              "The loop must terminate on every size: with [lo, hi) and hi = mid it always does.",
              *case(big, ends)),
        Check("returns lo after the loop, not the last mid",
              "When the loop ends lo == hi is the answer. The last mid probed is one less whenever the last step "
              "was lo = mid + 1: returning mid is an off-by-one on about half of all queries.",
              *case(spread, after)),
    ]  # fmt: skip
