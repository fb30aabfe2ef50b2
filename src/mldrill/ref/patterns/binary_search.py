"""Binary search with the closed-open [lo, hi) template: lower bound, upper bound, rotated sorted array (LC 33).

Invariant: the answer lies in [lo, hi]; loop `while lo < hi`, mid = (lo + hi) // 2, then either lo = mid + 1 or
hi = mid. The answer can be len(a) (every element smaller). The closed [lo, hi] template instead loops
`while lo <= hi` with hi = mid - 1: mixing the two is the classic off-by-one / infinite loop.
"""

from __future__ import annotations

from collections.abc import Sequence


def lower_bound(a: Sequence[int], x: int) -> int:
    """First index i with a[i] >= x (= bisect_left)."""
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def upper_bound(a: Sequence[int], x: int) -> int:
    """First index i with a[i] > x (= bisect_right)."""
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def search_rotated(a: Sequence[int], target: int) -> int:
    """Index of target in a sorted array of distinct values rotated at an unknown pivot, or -1. O(log n)."""
    lo, hi = 0, len(a) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if a[mid] == target:
            return mid
        if a[lo] <= a[mid]:  # left half [lo, mid] is sorted
            if a[lo] <= target < a[mid]:
                hi = mid - 1
            else:
                lo = mid + 1
        elif a[mid] < target <= a[hi]:  # right half [mid, hi] is sorted
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
