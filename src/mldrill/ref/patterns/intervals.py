"""Merge overlapping intervals (LeetCode 56): sort by start, extend the last merged interval while they overlap.

Closed intervals: [1, 2] and [2, 3] touch and merge into [1, 3]. O(n log n) for the sort.
"""

from __future__ import annotations


def merge_intervals(intervals: list[list[int]]) -> list[list[int]]:
    out: list[list[int]] = []
    for s, e in sorted(intervals, key=lambda iv: iv[0]):
        if out and s <= out[-1][1]:  # <=: touching intervals merge
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out
