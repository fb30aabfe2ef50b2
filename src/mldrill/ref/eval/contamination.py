"""Benchmark contamination by n-gram overlap (the GPT-3 / PaLM style 13-gram check).

Normalize both sides (lowercase, punctuation to spaces, split on whitespace), and for each test item report the
fraction of its distinct word n-grams that occur in some training document; an item is flagged when that fraction
reaches `threshold`. N-grams never span two training documents. An item shorter than n words is checked as a whole:
its fraction is 1 if its word sequence occurs contiguously in a training document, else 0 (an empty item scores 0).
Traps: without normalization a change of case or spacing hides a verbatim leak; character n-grams match shared
spellings, not shared passages; a repeated n-gram counts once (a list instead of a set inflates repetitive items);
gluing the corpus into one stream invents n-grams across document boundaries; paraphrased leaks keep no long
n-gram and need embedding similarity (or a loss-based test) instead; a clean check only says "not verbatim".
Prevention: fresh or private benchmarks, canary strings, decontaminating the training set with the same check.
Tested on planted duplicates and disjoint text, and against a brute-force substring search, in
tests/ref/eval/test_eval_contamination.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_PUNCT = re.compile(r"[^\w\s]")


def normalize(text: str) -> list[str]:
    return _PUNCT.sub(" ", text.lower()).split()


def _grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    """The distinct n-grams of a word list; a shorter (non-empty) list is its own single gram."""
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def ngram_contamination(test: Sequence[str], train: Iterable[str], *, n: int = 13,
                        threshold: float = 0.5) -> tuple[list[float], list[bool]]:  # fmt: skip
    """Per test item: (fraction of its distinct n-grams seen in a training document, fraction >= threshold)."""
    docs = [normalize(d) for d in train]
    index: dict[int, set[tuple[str, ...]]] = {}  # gram length -> every gram of that length in some document

    def seen(m: int) -> set[tuple[str, ...]]:
        if m not in index:  # per document: no gram crosses a boundary
            index[m] = {tuple(w[i : i + m]) for w in docs for i in range(len(w) - m + 1)}
        return index[m]

    fractions = []
    for item in test:
        grams = _grams(normalize(item), n)
        m = len(next(iter(grams))) if grams else n  # n, or the whole length of a short item
        fractions.append(sum(g in seen(m) for g in grams) / len(grams) if grams else 0.0)
    return fractions, [f >= threshold for f in fractions]


@dataclass
class OverlapReport:
    overlap: list[float]  # per test item: fraction of its n-grams seen in training
    flagged: list[int]  # indices of test items at or above the threshold


def ngram_overlap(test: Sequence[str], train: Iterable[str], *, n: int = 13, threshold: float = 1e-9) -> OverlapReport:
    """ngram_contamination as a report; the default threshold flags an item with any n-gram seen in training."""
    fractions, flags = ngram_contamination(test, train, n=n, threshold=threshold)
    return OverlapReport(fractions, [i for i, f in enumerate(flags) if f])
