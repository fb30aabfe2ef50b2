"""Hidden checks for the mmr kata. Expected selections: the greedy MMR rule evaluated with explicit loops over
sklearn's cosine_similarity."""

from __future__ import annotations

import numpy as np
from sklearn.metrics.pairwise import cosine_similarity

from mldrill.grader.checks import Call, Check, expect_equal


def _greedy(q: np.ndarray, docs: np.ndarray, k: int, lam: float) -> list[int]:
    rel = cosine_similarity(docs, q[None, :])[:, 0]
    sim = cosine_similarity(docs)
    chosen: list[int] = []
    for _ in range(min(k, len(docs))):
        best, best_i = -np.inf, -1
        for i in range(len(docs)):
            if i in chosen:
                continue
            red = max((sim[i, j] for j in chosen), default=0.0)
            score = lam * rel[i] - (1 - lam) * red
            if score > best + 1e-12:
                best, best_i = score, i
        chosen.append(best_i)
    return chosen


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    q = rng.normal(size=6)
    docs = rng.normal(size=(10, 6))
    near = np.stack([q + 0.05 * rng.normal(size=6), q + 0.05 * rng.normal(size=6), q + 0.06 * rng.normal(size=6),
                     rng.normal(size=6), q * 0.5 + rng.normal(size=6)])  # fmt: skip
    # one copy of the query, then documents pointing away from it: their cosines to that first pick are negative
    away = np.stack([q + 0.05 * rng.normal(size=6)] + [-rng.uniform(0.2, 2) * q + 0.5 * rng.normal(size=6)
                                                        for _ in range(5)])  # fmt: skip
    scaled = docs * rng.uniform(0.1, 10, size=(10, 1))  # norms must not matter
    # ...and must change the answer when they are not divided out: the most relevant document (by cosine) gets a
    # tiny norm and the runner-up a huge one, so raw dot products pick the runner-up first
    cos = docs @ q / (np.linalg.norm(docs, axis=1) * np.linalg.norm(q))
    top, second = np.argsort(-cos)[:2]
    scaled[top] = docs[top] * 0.01
    scaled[second] = docs[second] * 100.0

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, np.ndarray, int, float]]) -> Check:
        calls = [Call((qq, d), {"k": k, "lambda_mult": lam}) for qq, d, k, lam in cases]
        return Check(name, expl, calls, expect_equal([_greedy(*c) for c in cases]))

    return [
        check("matches the greedy MMR rule", "First the most relevant document, then each pick maximizes "
              "lambda * relevance - (1 - lambda) * max similarity to the picks.",
              [(q, docs, 4, 0.5), (q, docs, 6, 0.7)]),
        check("near-duplicates are penalized", "Three near-copies of the query: after the first, the others are "
              "redundant (max similarity ~1): with lambda = 0.3 the next picks are the diverse documents.",
              [(q, near, 3, 0.3)]),
        check("lambda = 1 is plain relevance ranking", "With lambda = 1 diversity has no weight: the top-k by cosine, "
              "each once (exclude the picks: nothing else stops the most relevant one being picked again).",
              [(q, docs, 5, 1.0)]),
        check("uses cosine similarity", "Normalize the vectors: with raw dot products long documents win.",
              [(q, scaled, 4, 0.5)]),
        check("negative similarities are not clamped to 0", "The max over an empty set counts as 0 only before "
              "the first pick; after it, a document whose cosines to the picks are all negative gets a negative "
              "redundancy (a bonus). A running max started at 0 clamps it and ranks those documents by relevance "
              "alone.", [(q, away, 3, 0.3)]),
        check("k larger than the number of documents", "Return all N documents, each once.", [(q, docs[:3], 5, 0.5)]),
    ]  # fmt: skip
