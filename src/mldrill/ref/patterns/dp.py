"""Dynamic programming: climbing stairs (both styles), LIS (O(n^2) and patience O(n log n)), edit distance, 0/1
knapsack.

State, transition, base case. climb_stairs: ways(i) = ways(i-1) + ways(i-2), ways(0) = ways(1) = 1.
Trap (M67): in Python dp[i - 2] at i = 1 reads dp[-1], the *last* element, silently: start the loop after the base
cases. LIS patience: tails[k] = smallest tail of an increasing subsequence of length k + 1; each x replaces the
first tail >= x (bisect_left) for strictly increasing. Edit distance (Levenshtein): dp[i][j] over prefixes with
insert/delete/substitute cost 1. 0/1 knapsack with a rolling 1-D array: iterate capacity *downwards* so each item
is used at most once (upwards gives the unbounded knapsack).
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cache


def climb_stairs(n: int) -> int:
    """Bottom-up tabulation."""
    if n < 0:
        raise ValueError("n must be >= 0")
    dp = [1, 1] + [0] * max(0, n - 1)
    for i in range(2, n + 1):  # starts after the base cases: never reads dp[-1]
        dp[i] = dp[i - 1] + dp[i - 2]
    return dp[n]


def climb_stairs_memo(n: int) -> int:
    """Top-down memoization of the same recurrence."""

    @cache
    def ways(i: int) -> int:
        return 1 if i <= 1 else ways(i - 1) + ways(i - 2)

    return ways(n)


def climb_stairs_buggy(n: int) -> int:
    """The M67 bug, kept for the test: the loop starts at 1, so dp[1] reads dp[-1] (the last entry) silently."""
    dp = [1] * (n + 1)  # base cases dp[0] = dp[1] = 1 ... and every other cell pre-filled with 1
    for i in range(1, n + 1):  # BUG: should start at 2; at i = 1, dp[i - 2] is dp[-1]
        dp[i] = dp[i - 1] + dp[i - 2]
    return dp[n]


def lis_quadratic(a: list[int]) -> int:
    if not a:
        return 0
    best = [1] * len(a)
    for i in range(len(a)):
        for j in range(i):
            if a[j] < a[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best)


def lis_patience(a: list[int]) -> int:
    tails: list[int] = []
    for x in a:
        k = bisect_left(tails, x)
        if k == len(tails):
            tails.append(x)
        else:
            tails[k] = x
    return len(tails)


def edit_distance(s: str, t: str) -> int:
    prev = list(range(len(t) + 1))  # rolling row: distance from "" to t[:j]
    for i in range(1, len(s) + 1):
        cur = [i] + [0] * len(t)
        for j in range(1, len(t) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] != t[j - 1]))
        prev = cur
    return prev[-1]


def knapsack_01(weights: list[int], values: list[int], capacity: int) -> int:
    best = [0] * (capacity + 1)
    for w, v in zip(weights, values, strict=True):
        for c in range(capacity, w - 1, -1):  # downwards: item used at most once
            best[c] = max(best[c], best[c - w] + v)
    return best[capacity]
