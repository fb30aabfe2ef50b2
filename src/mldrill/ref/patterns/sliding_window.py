"""Sliding window: longest substring without repeats (LeetCode 3), minimum window substring (LeetCode 76).

Variable-size window [lo, hi): extend hi one step at a time; while the window is invalid, shrink from lo. Each index
enters and leaves once, so O(n). Define "valid" and the shrink rule first.
Longest unique: remember each character's last index; jump lo past the previous occurrence (never backwards).
Minimum window: count how many required characters are still missing; once none is, shrink while it stays valid.
"""

from __future__ import annotations

from collections import Counter


def longest_unique_substring(s: str) -> int:
    last: dict[str, int] = {}
    lo = best = 0
    for hi, ch in enumerate(s):
        if last.get(ch, -1) >= lo:
            lo = last[ch] + 1  # only move forward: an occurrence before lo is outside the window
        last[ch] = hi
        best = max(best, hi - lo + 1)
    return best


def min_window(s: str, t: str) -> str:
    """Shortest substring of s containing every character of t with multiplicity; leftmost on ties; "" if none."""
    if not t:
        return ""
    need = Counter(t)
    missing = len(t)
    lo = 0
    best = (0, 0)
    for hi, ch in enumerate(s, start=1):  # window is s[lo:hi]
        if need[ch] > 0:
            missing -= 1
        need[ch] -= 1
        if missing == 0:
            while need[s[lo]] < 0:  # s[lo] is surplus: drop it
                need[s[lo]] += 1
                lo += 1
            if best == (0, 0) or hi - lo < best[1] - best[0]:
                best = (lo, hi)
            need[s[lo]] += 1  # give up the first required char and look for the next window
            missing += 1
            lo += 1
    return s[best[0] : best[1]]
