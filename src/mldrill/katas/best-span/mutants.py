"""Classic wrong best-span searches, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def best_span(start_logits, end_logits, *, max_len=30):
    n = len(start_logits)
    best_s, best_e, best_score = 0, 0, -np.inf
    for length in range(min(max_len, n)):  # span (s, s + length): length + 1 tokens
        scores = start_logits[: n - length] + end_logits[length:]
        s = int(np.argmax(scores))  # the first maximum: the earliest start of this length
        if scores[s] > best_score or (scores[s] == best_score and s < best_s):
            best_s, best_e, best_score = s, s + length, float(scores[s])
    return best_s, best_e, best_score
"""

GENERIC = "matches a brute force over valid spans"
SHORT = "sequences shorter than max_len"

MUTANTS = [
    mutant(
        "separate argmaxes of start and end",
        "    return best_s, best_e, best_score",
        "    s, e = int(np.argmax(start_logits)), int(np.argmax(end_logits))\n"
        "    return s, e, float(start_logits[s] + end_logits[e])",
        "the end is never before the start",
        GENERIC,
        SHORT,
        "spans longer than max_len are excluded",
        "a span of max_len tokens is allowed, one more is not",
        "chooses the start and the end together",
    ),
    mutant(
        "best start first, then the best end after it",
        "    return best_s, best_e, best_score",
        "    s = int(np.argmax(start_logits))\n"
        "    e = s + int(np.argmax(end_logits[s : s + max_len]))\n"
        "    return s, e, float(start_logits[s] + end_logits[e])",
        "chooses the start and the end together",
        GENERIC,
        SHORT,
        "a span of max_len tokens is allowed, one more is not",
    ),
    mutant(
        "spans of max_len + 1 tokens (end = start + max_len allowed)",
        "range(min(max_len, n))",
        "range(min(max_len + 1, n))",
        "a span of max_len tokens is allowed, one more is not",
        GENERIC,
    ),
    mutant(
        "spans of at most max_len - 1 tokens",
        "range(min(max_len, n))",
        "range(min(max_len - 1, n))",
        "a span of max_len tokens is allowed, one more is not",
        GENERIC,
    ),
    mutant(
        "loops over max_len lengths even when the sequence is shorter",
        "range(min(max_len, n))",
        "range(max_len)",
        SHORT,
    ),
    mutant(
        "ties replace the best (>=): the last of equal spans wins",
        "scores[s] > best_score or (scores[s] == best_score and s < best_s)",
        "scores[s] >= best_score",
        "ties go to the earliest start, then the earliest end",
        "spans longer than max_len are excluded",
        "a span of max_len tokens is allowed, one more is not",
    ),
    mutant(
        "ties keep the shortest span, not the earliest start",
        "scores[s] > best_score or (scores[s] == best_score and s < best_s)",
        "scores[s] > best_score",
        "ties go to the earliest start, then the earliest end",
    ),
]
