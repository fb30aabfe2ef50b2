"""Classic wrong longest-unique-substring windows, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
def longest_unique_substring(s):
    last = {}  # character -> index of its latest occurrence
    lo = best = 0
    for hi, ch in enumerate(s):
        if ch in last and last[ch] >= lo:
            lo = last[ch] + 1
        last[ch] = hi
        best = max(best, hi - lo + 1)
    return best
"""

GENERIC = "matches a brute force over all windows"
BACKWARDS = "the left end never moves backwards"
SMALL = "the empty string and single characters"
WHOLE = "the whole string can be the answer"
JUST_PAST = "a repeat moves the left end just past its previous occurrence"

MUTANTS = [
    mutant(
        "lo jumps back to an occurrence left of the window",
        "if ch in last and last[ch] >= lo:",
        "if ch in last:",
        BACKWARDS,
        GENERIC,
    ),
    mutant(
        "lo moves to the previous occurrence, not past it",
        "lo = last[ch] + 1",
        "lo = last[ch]",
        JUST_PAST,
        GENERIC,
        BACKWARDS,
        SMALL,  # '  ' counts as 2
    ),
    mutant(
        "the window restarts at the repeated character",
        "lo = last[ch] + 1",
        "lo = hi",
        JUST_PAST,
        GENERIC,
        BACKWARDS,
    ),
    Mutant(
        "the best length is updated only on a repeat",
        (
            ("            lo = last[ch] + 1", "            best = max(best, hi - lo)\n            lo = last[ch] + 1"),
            ("        best = max(best, hi - lo + 1)\n", ""),
        ),
        WHOLE,
        (GENERIC, SMALL, BACKWARDS, JUST_PAST),
    ),
    mutant(
        "window length hi - lo",
        "best = max(best, hi - lo + 1)",
        "best = max(best, hi - lo)",
        SMALL,
        GENERIC,
        BACKWARDS,
        WHOLE,
        JUST_PAST,
    ),
]
