"""Classic wrong minimum windows, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
from collections import Counter

def min_window(s, t):
    if not t:
        return ""
    need = Counter(t)  # how many more of each character the window needs (negative: surplus)
    missing = len(t)
    best_lo, best_len = 0, len(s) + 1  # longer than any window: none found yet
    lo = 0
    for hi, ch in enumerate(s):
        if need[ch] > 0:
            missing -= 1
        need[ch] -= 1
        if missing == 0:
            while need[s[lo]] < 0:  # drop surplus characters from the left
                need[s[lo]] += 1
                lo += 1
            if hi - lo + 1 < best_len:
                best_lo, best_len = lo, hi - lo + 1
    return s[best_lo : best_lo + best_len] if best_len <= len(s) else ""
"""

GENERIC = "matches a brute force"
MULTI = "characters count with multiplicity"
EMPTY = "no window gives the empty string"
LEFTMOST = "the leftmost of equally short windows"
WHOLE = "case-sensitive and the whole string"
SHRINK = "shrinks from the left once the window covers t"
VALID = "never drops a needed character while shrinking"

MUTANTS = [
    Mutant(
        "a set of t's characters instead of a Counter",
        (("need = Counter(t)", "need = Counter(set(t))"), ("missing = len(t)", "missing = len(set(t))")),
        MULTI,
        # t = 'aa' against s = 'a', and 'AA' against 'aA': those checks' cases need multiplicity too
        (GENERIC, SHRINK, VALID, EMPTY, WHOLE),
    ),
    # the multiplicity cases have several shortest windows too
    mutant("<= keeps the last of equally short windows", "< best_len:", "<= best_len:", LEFTMOST, GENERIC, MULTI),
    mutant(
        "the best window starts as the whole string",
        "best_lo, best_len = 0, len(s) + 1",
        "best_lo, best_len = 0, len(s)",
        EMPTY,
        GENERIC,
        WHOLE,  # 'aA' cannot cover 'AA'
    ),
    mutant(
        "never shrinks the window",
        "while need[s[lo]] < 0:",
        "while False:",
        SHRINK,
        GENERIC,
        MULTI,
        LEFTMOST,
        VALID,
    ),
    mutant(
        "does not give dropped characters back to need",
        "                need[s[lo]] += 1\n",
        "",
        VALID,
        GENERIC,
        MULTI,
        LEFTMOST,
        SHRINK,
    ),
    mutant(
        "window length hi - lo (the right end left out)",
        "hi - lo + 1 < best_len:\n                best_lo, best_len = lo, hi - lo + 1",
        "hi - lo < best_len:\n                best_lo, best_len = lo, hi - lo",
        "the window includes its right end",
        GENERIC,
        MULTI,
        LEFTMOST,
        WHOLE,
        SHRINK,
        VALID,
    ),
]
