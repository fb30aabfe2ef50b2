"""Classic wrong contamination checks, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import re

def _words(text):
    return re.sub(r"[^\\w\\s]", " ", text.lower()).split()

def _ngrams(words, n):
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}

def ngram_contamination(test, train, *, n=13, threshold=0.5):
    docs = [_words(d) for d in train]
    fractions = []
    for item in test:
        w = _words(item)
        m = min(n, len(w))
        grams = _ngrams(w, m) if w else set()
        seen = set()
        for d in docs:
            seen |= _ngrams(d, m)
        hits = sum(g in seen for g in grams)
        fractions.append(hits / len(grams) if grams else 0.0)
    return fractions, [f >= threshold for f in fractions]
"""

GENERIC = "matches a brute-force search for leaked n-grams"
CASE = "case and punctuation are normalized"
CHARS = "n-grams of words, not characters"
DUPES = "each distinct n-gram counts once"
SHORT = "an example shorter than n is checked as a whole"
BOUNDARY = "n-grams do not cross training-document boundaries"
LAST = "the last window counts"
AT = "an example exactly at the threshold is flagged"

MUTANTS = [
    mutant(
        "character n-grams",
        "    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}",
        '    s = " ".join(words)\n    return {s[i:i + n] for i in range(len(s) - n + 1)}',
        CHARS,
        GENERIC,
        CASE,
        DUPES,
        SHORT,
        BOUNDARY,
        LAST,
    ),
    mutant(
        "no normalization",
        're.sub(r"[^\\w\\s]", " ", text.lower()).split()',
        "text.split()",
        CASE,
    ),
    mutant(
        "n-gram positions counted, not distinct n-grams",
        "grams = _ngrams(w, m) if w else set()",
        "grams = [tuple(w[i:i + m]) for i in range(len(w) - m + 1)] if w else []",
        DUPES,
    ),
    mutant(
        "a short example has no n-grams",
        "m = min(n, len(w))",
        "m = n",
        SHORT,
    ),
    mutant(
        "the corpus glued into one stream",
        "docs = [_words(d) for d in train]",
        "docs = [[t for d in train for t in _words(d)]]",
        BOUNDARY,
    ),
    mutant(
        "the last window is skipped",
        "range(len(words) - n + 1)",
        "range(len(words) - n)",
        LAST,
        GENERIC,
        CHARS,  # a fraction between 0 and 1 changes with one window fewer
        DUPES,
        SHORT,
    ),
    mutant(
        "strictly above the threshold",
        "f >= threshold",
        "f > threshold",
        AT,
    ),
    mutant(
        "punctuation deleted instead of replaced by a space",
        're.sub(r"[^\\w\\s]", " ", text.lower())',
        're.sub(r"[^\\w\\s]", "", text.lower())',
        CASE,
    ),
    mutant(
        "a short example searched as a substring of the joined text",
        "hits = sum(g in seen for g in grams)",
        "hits = sum(g in seen for g in grams) if m == n else float(any(' '.join(w) in ' '.join(d) for d in docs))",
        SHORT,
    ),
]
