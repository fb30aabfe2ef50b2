"""Hidden checks for the binary-search-bounds kata. Expected indices come from bisect.bisect_left."""

from __future__ import annotations

import bisect

from mldrill.grader.checks import Call, Check, expect_equal


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    a = sorted(int(v) for v in rng.integers(0, 30, size=40))
    probes = [int(v) for v in rng.integers(-2, 33, size=25)]
    dup = [1, 2, 2, 2, 2, 2, 3, 5]
    big = list(range(0, 40_001, 2))  # 20,001 elements: odd length

    def case(arr: list[int], xs: list[int]) -> tuple[list[Call], object]:
        return [Call((arr, x)) for x in xs], expect_equal([bisect.bisect_left(arr, x) for x in xs])

    return [
        Check("matches bisect_left on a sorted list with duplicates",
              "First index with a[i] >= x: insert before equal elements.", *case(a, probes)),
        Check("returns the first of several equal elements",
              "On a[mid] == x keep searching left (hi = mid): returning as soon as a[mid] == x finds *an* index, "
              "not the first.", *case(dup, [2, 3, 4])),
        Check("can return len(a)",
              "When every element is smaller than x the answer is len(a): start with hi = len(a), not len(a) - 1.",
              *case(dup, [6, 100]) ),
        Check("returns 0 below every element",
              "x at or below a[0] inserts at 0.",
              *case(dup, [-5, 1]), ),
        Check("empty list", "An empty list has answer 0: do not read a[0] or a[-1].", *case([], [3])),
        Check("a large list (odd length), answers at both ends",
              "The loop must terminate on every size: with [lo, hi) and hi = mid it always does.",
              *case(big, [0, 1, 17_777, 39_998, 40_000, 40_001])),
    ]  # fmt: skip
