"""Hidden checks for the bm25 kata. Expected values: mldrill.ref.retrieval.bm25.BM25 with the same k1, b, epsilon,
which tests/ref/retrieval/test_retrieval_bm25.py checks against rank_bm25.BM25Okapi (a test dependency; the checks
import only what the app installs)."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Judge, Outcome, Step, compare_arrays, showing


def _scored(bm25, corpus: list[list[str]], queries: list[list[str]], **kw: float) -> tuple[list[Call], Judge]:
    oracle = bm25(corpus, **kw)
    expected = [np.asarray(oracle.get_scores(q), dtype=np.float64) for q in queries]

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        for q, got, want in zip(queries, o.value, expected, strict=True):
            msg = compare_arrays(got, want, atol=1e-10, rtol=1e-9, name=f"get_scores({q})")
            if msg:
                return msg
        return None

    return [Call((corpus,), dict(kw), steps=tuple(Step("get_scores", (q,)) for q in queries))], showing(
        [expected], judge
    )


def _renamer(rng):  # rng: np.random.Generator
    """A fresh one-to-one renaming of words: every count, match and length stays, the strings change each run."""
    names: dict[str, str] = {}

    def word(w: str) -> str:
        while w not in names:
            new = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=int(rng.integers(3, 8))))
            if new not in names.values():
                names[w] = new
        return names[w]

    return word


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    words = [f"w{i}" for i in range(12)]
    random_corpus = [list(rng.choice(words, size=int(rng.integers(3, 15)))) for _ in range(9)]
    random_queries = [list(rng.choice(words, size=3)) for _ in range(4)]
    # "the" is in 5 of 6 documents: raw IDF ln(1.5 / 5.5) < 0, floored at epsilon * mean IDF (M48)
    texts = ["the cat sat on the mat", "the dog ate the bone", "a bird in the hand", "the quick brown fox", "the end",
             "no article here at all"]  # fmt: skip
    common = [t.split() for t in texts]
    # one term repeated 1, 2, 4 and 8 times in documents of equal length: only k1 shapes the curve
    # (x is in 4 of 9 documents in both: a positive IDF, so the IDF floor plays no part in these two)
    sat = [["x"] * n + ["pad"] * (8 - n) for n in (1, 2, 4, 8)] + [["pad"] * 8] + [[c] * 8 for c in "yzuv"]
    # the same single occurrence in documents of very different lengths: only b matters
    lengths = [["x"] + ["pad"] * n for n in (0, 3, 10, 30)] + [[c] * 5 for c in "qrstu"]
    word = _renamer(rng)  # the same documents and queries in fresh words: only the statistics matter

    def _case(corpus: list[list[str]], queries: list[list[str]], **kw: float) -> tuple[list[Call], Judge]:
        return _scored(solution, [[word(w) for w in d] for d in corpus], [[word(w) for w in q] for q in queries], **kw)

    return [
        Check("matches BM25Okapi with the default parameters", "Sum over query tokens of IDF times the saturated, "
              "length-normalized term frequency; the document frequency counts each document once.",
              *_case(random_corpus, random_queries)),
        Check("negative IDFs are floored at epsilon * mean IDF (M48)", "A term in more than half of the documents "
              "has a negative Okapi IDF; rank_bm25 replaces it by epsilon times the mean raw IDF of the vocabulary "
              "(not 0, not epsilon).", *_case(common, [["the"], ["the", "cat"], ["the", "the", "end"]])),
        Check("k1 saturates the term frequency", "f (k1 + 1) / (f + k1 * norm): more occurrences help less and "
              "less; k1 is a parameter, not a constant.", *_case(sat, [["x"]], k1=0.5),
              ),
        Check("b normalizes by document length", "norm = 1 - b + b |D| / avgdl: with b = 1 a long document is "
              "penalized fully, with b = 0 not at all.", *_case(lengths, [["x"]], b=1.0)),
        Check("no length normalization at b = 0", "With b = 0 the length term disappears: every document with one "
              "occurrence scores the same.", *_case(lengths, [["x"]], b=0.0, k1=3.0)),
        Check("repeated query tokens count again; unknown ones add 0", "Loop over the query tokens as given, "
              "duplicates included; a token not in the corpus contributes nothing.",
              *_case(random_corpus, [["w1", "w1", "w2"], ["unknown"], ["w3", "unknown", "w3"]])),
    ]  # fmt: skip
