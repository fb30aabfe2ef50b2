"""Hidden checks for the binary-search-bounds kata. Expected indices come from bisect.bisect_left."""

from __future__ import annotations

import bisect

from mldrill.grader.checks import Call, Check, expect_equal


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    a = sorted(int(v) for v in rng.integers(0, 30, size=40))
    probes = [int(v) for v in rng.integers(-2, 33, size=25)]
    o, step = int(rng.integers(-1000, 1000)), int(rng.integers(1, 50))

    def t(v: int) -> int:  # the hand-chosen values, shifted and spread: same order, same ties
        return o + step * v

    dup = [t(1), *[t(2)] * int(rng.integers(3, 8)), t(3), t(5)]
    n = 2 * int(rng.integers(8_000, 12_000)) + 1  # odd length
    big = [o + 2 * i for i in range(n)]

    def case(arr: list[int], xs: list[int]) -> tuple[list[Call], object]:
        return [Call((arr, x)) for x in xs], expect_equal([bisect.bisect_left(arr, x) for x in xs])

    return [
        Check("matches bisect_left on a sorted list with duplicates",
              "First index with a[i] >= x: insert before equal elements.", *case(a, probes)),
        Check("returns the first of several equal elements",
              "On a[mid] == x keep searching left (hi = mid): returning as soon as a[mid] == x finds *an* index, "
              "not the first.", *case(dup, [t(2), t(3), t(4)])),
        Check("can return len(a)",
              "When every element is smaller than x the answer is len(a): start with hi = len(a), not len(a) - 1.",
              *case(dup, [t(6), t(100)]) ),
        Check("returns 0 below every element",
              "x at or below a[0] inserts at 0.",
              *case(dup, [t(-5), t(1)]), ),
        Check("empty list", "An empty list has answer 0: do not read a[0] or a[-1].",
              *case([], [int(rng.integers(-100, 100))])),
        Check("a large list (odd length), answers at both ends",
              "The loop must terminate on every size: with [lo, hi) and hi = mid it always does.",
              *case(big, [o, o + 1, o + 2 * int(rng.integers(1, n - 1)) + 1, big[-2], big[-1], big[-1] + 1])),
    ]  # fmt: skip
