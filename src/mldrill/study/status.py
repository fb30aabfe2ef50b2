"""Practice-log status from the rating history (ratings 1 Again, 2 Hard, 3 Good, 4 Easy; oldest first).

The rule, in order:
- unknown: never rated, or the most recent rating is Again;
- fluent:  no Again among the last three ratings, and either the last two ratings are Good/Easy or the only
           rating so far is Easy;
- shaky:   everything else (a recent Hard, an Again in the last three, or a single Good).

Shaky and unknown items are surfaced first and can be drilled as their own session (`mldrill drill --status`).
"""

from __future__ import annotations

from collections.abc import Sequence

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
STATUSES = ("fluent", "shaky", "unknown")


def status_from_ratings(ratings: Sequence[int]) -> str:
    if not ratings or ratings[-1] == AGAIN:
        return "unknown"
    if AGAIN in ratings[-3:]:
        return "shaky"
    two_good = len(ratings) >= 2 and ratings[-1] >= GOOD and ratings[-2] >= GOOD
    if two_good or list(ratings) == [EASY]:
        return "fluent"
    return "shaky"
