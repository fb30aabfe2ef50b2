"""Hidden checks for the ngram-contamination kata. Expected values: a brute-force substring search, independent of
the reference: each distinct n-gram of a test example (its whole text when shorter than n words), joined by single
spaces, is looked for as ' gram ' inside ' document ' for every normalized training document."""

from __future__ import annotations

import re

from mldrill.grader.checks import Call, Check, expect_parts

NAMES = ("fractions", "flags")


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


def _oracle(test: list[str], train: list[str], n: int, threshold: float) -> tuple[list[float], list[bool]]:
    docs = [" " + " ".join(_words(d)) + " " for d in train]
    fractions = []
    for item in test:
        w = _words(item)
        k = min(n, len(w))
        spans = {" ".join(w[i : i + k]) for i in range(len(w) - k + 1)} if w else set()
        fractions.append(sum(any(f" {s} " in d for d in docs) for s in spans) / len(spans) if spans else 0.0)
    return fractions, [f >= threshold for f in fractions]


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    pool: list[str] = []
    while len(pool) < 80:  # fresh distinct words every run
        w = "".join(rng.choice(letters, size=int(rng.integers(3, 8))))
        if w not in pool:
            pool.append(w)

    def words(k: int) -> list[str]:
        return [str(w) for w in rng.choice(pool, size=k)]

    def j(ws: list[str]) -> str:
        return " ".join(ws)

    def span(doc: list[str], k: int) -> list[str]:
        s = int(rng.integers(1, len(doc) - k))  # never the first or last word: boundaries play no part
        return doc[s : s + k]

    def case(test: list[str], train: list[str], n: int | None = None, threshold: float = 0.37):
        kwargs = {"threshold": threshold} if n is None else {"n": n, "threshold": threshold}
        return Call((test, train), kwargs), _oracle(test, train, 13 if n is None else n, threshold)

    def check(name: str, why: str, cases, only: str | None = None) -> Check:
        want = [tuple(None if only and nm != only else v for nm, v in zip(NAMES, e, strict=True)) for _, e in cases]
        return Check(name, why, [c for c, _ in cases], expect_parts(want, NAMES, atol=1e-12, rtol=0.0))

    docs = [words(int(rng.integers(40, 70))) for _ in range(5)]
    train = [j(d) for d in docs]

    def edited(k: int) -> list[str]:
        s = span(docs[int(rng.integers(5))], k)
        for _ in range(int(rng.integers(1, 3))):
            s[int(rng.integers(k))] = str(rng.choice(pool))
        return s

    random_test = [j(span(docs[0], 20)), j(edited(20)), j(words(20)), j(span(docs[1], 10) + words(10)), j(edited(24))]
    random = [case(random_test, train, n=5), case([j(span(docs[2], 30)), j(edited(30)), j(words(15))], train)]

    # -- the same leaks, re-cased and punctuated (training text keeps its own case too)
    # some words joined by punctuation alone ('state-of-the-art', 'and/or'): deleting it glues them into one word
    def noisy(ws: list[str]) -> str:
        out = []
        for k, w in enumerate(ws):
            w = w.upper() if rng.uniform() < 0.3 else (w.capitalize() if rng.uniform() < 0.3 else w)
            sep = "-" if k % 4 == 1 else str(rng.choice([", ", ". ", "! ", "; ", " ", " ", " ", "/", "'"]))
            out.append(w + sep)
        return "(" + "".join(out).rstrip() + ")?"

    cased = case([noisy(span(docs[0], 16)), noisy(span(docs[3], 25)), noisy(words(12))], train, n=5)

    # -- chunks of 3 training words in a new order: no word 5-gram survives, many character 5-grams do
    def chunks(doc: list[str]) -> str:
        parts = [doc[i : i + 3] for i in range(0, 24, 3)]
        order = rng.permutation(len(parts))
        return j([w for k in order for w in parts[k]])

    chars = case([chunks(docs[1]), chunks(docs[4])], train, n=5)

    # -- one leaked 5-gram repeated three times, then fresh words
    rep = span(docs[2], 5)
    dupes = case([j(rep * 3 + words(6))], train, n=5)

    # -- examples shorter than n = 13: a contiguous run of a document, fresh words, an empty string, and a run cut
    # inside its first and last words (a substring of the document's text, but not a run of its words)
    cut = span(docs[1], 4)
    cut = [cut[0][1:], *cut[1:-1], cut[-1][:-1]]
    short = case([j(span(docs[3], 6)), j(words(8)), "", j(span(docs[0], 12)), j(cut)], train)

    # -- the end of one document followed by the start of the next: every 5-gram crosses the boundary
    pairs = [j(docs[k][-3:] + docs[k + 1][:3]) for k in range(4)]
    boundary = case(pairs, train, n=5)

    # -- only the last window is leaked; and an example of exactly n words
    last = case([j(words(4) + span(docs[4], 5)), j(span(docs[2], 5))], train, n=5)

    # -- 4 distinct 5-grams, the first 2 leaked: exactly the threshold
    at = case([j(span(docs[1], 6) + words(2))], train, n=5, threshold=0.5)

    return [
        check(
            "matches a brute-force search for leaked n-grams",
            "Normalized words, distinct n-grams of each example, found in a training document (never across "
            "two), fraction found; flagged when the fraction is at least the threshold.",
            random,
        ),
        check(
            "case and punctuation are normalized",
            "'The Cat, sat.' and 'the cat sat' are the same leak: lowercase and turn punctuation into spaces "
            "before splitting, on both sides (deleting it glues 'cat-sat' into one word). Otherwise trivial "
            "reformatting hides a verbatim copy.",
            [cased],
        ),
        check(
            "n-grams of words, not characters",
            "Contamination is about shared passages: runs of n words. Character n-grams match any text that "
            "shares spellings, so reordered words (no passage in common) look contaminated.",
            [chars],
        ),
        check(
            "each distinct n-gram counts once",
            "The fraction is over distinct n-grams: an example that repeats one leaked 5-gram three times has "
            "that 5-gram once. Counting positions lets repetition inflate (or deflate) the score.",
            [dupes],
        ),
        check(
            "an example shorter than n is checked as a whole",
            "A 6-word question has no 13-gram: with zero n-grams it can never be flagged. Check its whole word "
            "sequence as one gram instead (found as a run of a training document's words: 1.0; a substring "
            "search of the joined text also matches parts of words). No words at all: 0.0.",
            [short],
        ),
        check(
            "n-grams do not cross training-document boundaries",
            "Gluing the training documents into one stream invents n-grams from the end of one document and the "
            "start of the next, which no document contains.",
            [boundary],
        ),
        check(
            "the last window counts",
            "A text of L words has L - n + 1 windows: range(L - n) misses the last one, so a leak at the very "
            "end is missed and an example of exactly n words has none.",
            [last],
        ),
        check(
            "an example exactly at the threshold is flagged",
            "Flag when the fraction is at least the threshold (>=): 2 leaked 5-grams out of 4 at threshold 0.5 "
            "is flagged.",
            [at],
            only="flags",
        ),
    ]
