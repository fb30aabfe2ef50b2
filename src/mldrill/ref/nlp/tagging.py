"""Task procedures: BIO span decoding for NER, and the best answer span for extractive QA.

BIO: B-X starts an entity of type X, I-X continues it, O is outside. Decoding (seqeval's default, lenient mode):
an I-X that does not continue an X entity (after O, or after another type) starts a new entity (trap: dropping it
silently loses entities). Spans are (type, start, end) with end exclusive.
Extractive QA: choose (s, e) maximizing start_logit[s] + end_logit[e] subject to s <= e < s + max_len, in O(n * L)
instead of all O(n^2) pairs. Traps: end >= start; cap the answer length.
Tested against brute force in tests/ref/nlp/test_nlp_tagging.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def bio_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    spans: list[tuple[str, int, int]] = []
    cur: tuple[str, int] | None = None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, typ = tag.partition("-")
        continues = cur is not None and prefix == "I" and typ == cur[0]
        if cur is not None and not continues:
            spans.append((cur[0], cur[1], i))
            cur = None
        if prefix == "B" or (prefix == "I" and not continues):
            cur = (typ, i)
    return spans


def best_span(start_logits: np.ndarray, end_logits: np.ndarray, *, max_len: int = 30) -> tuple[int, int, float]:
    """(start, end inclusive, score) of the best valid span; ties go to the earliest start, then earliest end."""
    n = len(start_logits)
    best = (0, 0, -np.inf)
    for length in range(max_len):  # vectorized over start positions for each span length
        if length >= n:
            break
        scores = start_logits[: n - length] + end_logits[length:]  # (n - length,)
        s = int(np.argmax(scores))
        cand = (s, s + length, float(scores[s]))
        if cand[2] > best[2] or (cand[2] == best[2] and (cand[0], cand[1]) < (best[0], best[1])):
            best = cand
    return best
