"""Two pointers and hashing: sorted pair sum, 3Sum (LeetCode 15), two-sum with a hash map (LeetCode 1).

Invariant (sorted pair sum): every pair outside [lo, hi] has been ruled out; if a[lo] + a[hi] < t, a[lo] cannot pair
with anything (a[hi] is the largest left), so lo += 1; symmetrically for hi. O(n) after sorting.
Trap (M68): a template with only a "# found" comment is incomplete: on a match, record it, move *both* pointers, and
skip duplicate values on both sides, or 3Sum returns repeated triples (or loops forever).
Two-sum: look up the complement *before* inserting the current value, so an element never pairs with itself.
"""

from __future__ import annotations


def pair_sum_sorted(a: list[int], target: int) -> tuple[int, int] | None:
    """Indices (i, j), i < j, of a pair in sorted `a` with a[i] + a[j] == target, or None."""
    lo, hi = 0, len(a) - 1
    while lo < hi:
        s = a[lo] + a[hi]
        if s == target:
            return lo, hi
        if s < target:
            lo += 1
        else:
            hi -= 1
    return None


def three_sum(nums: list[int]) -> list[list[int]]:
    """All unique triples (sorted inside, listed in sorted order) that sum to 0."""
    a = sorted(nums)
    out: list[list[int]] = []
    for i in range(len(a) - 2):
        if i > 0 and a[i] == a[i - 1]:
            continue  # same first value: same triples
        lo, hi = i + 1, len(a) - 1
        while lo < hi:
            s = a[i] + a[lo] + a[hi]
            if s < 0:
                lo += 1
            elif s > 0:
                hi -= 1
            else:
                out.append([a[i], a[lo], a[hi]])
                lo, hi = lo + 1, hi - 1
                while lo < hi and a[lo] == a[lo - 1]:
                    lo += 1
                while lo < hi and a[hi] == a[hi + 1]:
                    hi -= 1
    return out


def two_sum(nums: list[int], target: int) -> tuple[int, int] | None:
    """Indices (i, j), i < j, with nums[i] + nums[j] == target (the first such j, then its first i), or None."""
    seen: dict[int, int] = {}
    for j, x in enumerate(nums):
        if target - x in seen:  # look up before inserting: x cannot pair with itself
            return seen[target - x], j
        seen.setdefault(x, j)
    return None
