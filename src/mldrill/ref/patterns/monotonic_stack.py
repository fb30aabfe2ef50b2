"""Monotonic stack: next greater element and trapping rain water (LeetCode 42); O(n), each index pushed/popped once.

next_greater: keep indices whose next greater value is not yet known, with values decreasing from bottom to top;
a new value pops every smaller one (strictly smaller: equal values are not "greater", so they stay).
Rain water: pop a bar lower than the current one; the water above it is bounded by the new stack top (left wall)
and the current bar (right wall). Equivalent two-pointer solution: water at i = min(max_left, max_right) - h[i].
"""

from __future__ import annotations


def next_greater(a: list[int]) -> list[int]:
    """For each i, the first value to the right strictly greater than a[i], or -1."""
    out = [-1] * len(a)
    stack: list[int] = []
    for i, x in enumerate(a):
        while stack and a[stack[-1]] < x:  # strict: an equal value does not resolve the pending index
            out[stack.pop()] = x
        stack.append(i)
    return out


def trap_rain_water(h: list[int]) -> int:
    water = 0
    stack: list[int] = []
    for i, x in enumerate(h):
        while stack and h[stack[-1]] < x:
            bottom = stack.pop()
            if not stack:
                break  # no left wall
            left = stack[-1]
            width = i - left - 1
            water += width * (min(h[left], x) - h[bottom])
        stack.append(i)
    return water
