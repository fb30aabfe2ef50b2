"""Benchmark contamination by n-gram overlap (the GPT-3 / PaLM style 13-gram check).

Normalize both sides (lowercase, strip punctuation, collapse whitespace), index every n-gram of the training text,
and for each test item report the fraction of its n-grams found in the index; an item is flagged when that fraction
reaches `threshold` (any hit, by default). Items shorter than n words are checked with their whole text as a single
gram.
Traps: without normalization a change of case or spacing hides a verbatim leak; paraphrased leaks keep no long
n-gram and need embedding similarity (or a loss-based test) instead; a clean check only says "not verbatim".
Prevention: fresh or private benchmarks, canary strings, decontaminating the training set with the same check.
Tested on planted duplicates and disjoint text in tests/ref/eval/test_eval_contamination.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_PUNCT = re.compile(r"[^\w\s]")


def normalize(text: str) -> list[str]:
    return _PUNCT.sub(" ", text.lower()).split()


def _grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@dataclass
class OverlapReport:
    overlap: list[float]  # per test item: fraction of its n-grams seen in training
    flagged: list[int]  # indices of test items at or above the threshold


def build_index(train: Iterable[str], n: int = 13) -> set[tuple[str, ...]]:
    index: set[tuple[str, ...]] = set()
    for doc in train:
        words = normalize(doc)
        index.update(_grams(words, n) if len(words) >= n else set())
        if len(words) < n and words:
            index.add(tuple(words))
    return index


def ngram_overlap(test: Sequence[str], train: Iterable[str], *, n: int = 13, threshold: float = 1e-9) -> OverlapReport:
    index = build_index(train, n)
    fractions = []
    for item in test:
        grams = _grams(normalize(item), n)
        fractions.append(sum(g in index for g in grams) / len(grams) if grams else 0.0)
    return OverlapReport(fractions, [i for i, f in enumerate(fractions) if f >= threshold])
