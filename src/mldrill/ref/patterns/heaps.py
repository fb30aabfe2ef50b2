"""Running median with two heaps (LeetCode 295).

lo is a max-heap (stored negated, heapq is a min-heap) holding the smaller half, hi a min-heap holding the larger
half; invariant: every lo <= every hi and len(lo) - len(hi) in {0, 1}. add is O(log n), median O(1).
"""

from __future__ import annotations

import heapq


class MedianFinder:
    def __init__(self) -> None:
        self.lo: list[float] = []  # negated values: a max-heap
        self.hi: list[float] = []

    def add_num(self, x: float) -> None:
        heapq.heappush(self.lo, -x)
        heapq.heappush(self.hi, -heapq.heappop(self.lo))  # move lo's max to hi: keeps the order invariant
        if len(self.hi) > len(self.lo):
            heapq.heappush(self.lo, -heapq.heappop(self.hi))  # rebalance sizes

    def find_median(self) -> float:
        if not self.lo:
            raise ValueError("median of an empty stream")
        if len(self.lo) > len(self.hi):
            return float(-self.lo[0])
        return (-self.lo[0] + self.hi[0]) / 2


def running_median(xs: list[float]) -> list[float]:
    mf = MedianFinder()
    out = []
    for x in xs:
        mf.add_num(x)
        out.append(mf.find_median())
    return out
