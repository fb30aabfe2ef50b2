"""Classic wrong lower bounds, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
def lower_bound(a, x):
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo
"""

GENERIC = "matches bisect_left on a sorted list with duplicates"
LEN = "can return len(a)"
TIES_AT_FRONT = "returns 0 below every element"  # it probes x = a[0], repeated: its explanation names the tie

MUTANTS = [
    Mutant(
        "returns the last mid instead of lo",
        (("lo, hi = 0, len(a)", "lo, hi, mid = 0, len(a), 0"), ("return lo", "return mid")),
        "returns lo after the loop, not the last mid",
        # when the answer is len(a) the last step is always lo = mid + 1, so mid = len(a) - 1: the same output as
        # hi = len(a) - 1, and that check's explanation names both causes
        (GENERIC, LEN),
    ),
    mutant("hi starts at len(a) - 1", "lo, hi = 0, len(a)", "lo, hi = 0, len(a) - 1", LEN, GENERIC),
    mutant(
        "a[mid] <= x (that is upper_bound)",
        "if a[mid] < x:",
        "if a[mid] <= x:",
        "returns the first of several equal elements",
        GENERIC,
        TIES_AT_FRONT,
    ),
    mutant(
        "returns as soon as a[mid] == x",
        "        if a[mid] < x:",
        "        if a[mid] == x:\n            return mid\n        if a[mid] < x:",
        "returns the first of several equal elements",
        GENERIC,
        TIES_AT_FRONT,
    ),
]
