"""Maximal marginal relevance (Carbonell & Goldstein, 1998): diversify a result list.

Greedy: repeatedly pick argmax_{d not in S} [ lambda * sim(q, d) - (1 - lambda) * max_{s in S} sim(d, s) ].
lambda = 1 is plain relevance ranking; lambda = 0 is pure novelty. Similarities are cosines of the embeddings.
Trap: MMR trades relevance for coverage; near-duplicate chunks (overlapping windows of the same passage) are exactly
what it removes. Ties go to the lower index. Tested against a brute-force greedy loop in
tests/ref/retrieval/test_retrieval_hybrid.py.
"""

from __future__ import annotations

import numpy as np

from mldrill.ref.retrieval.dense import l2_normalize


def mmr(query: np.ndarray, docs: np.ndarray, *, k: int, lambda_mult: float = 0.5) -> list[int]:
    D = l2_normalize(docs)  # (N, d)
    rel = D @ l2_normalize(query)  # (N,)
    sim = D @ D.T  # (N, N)
    chosen: list[int] = []
    max_sim = np.full(len(D), -np.inf)  # max similarity to anything already chosen
    available = np.ones(len(D), dtype=bool)
    for _ in range(min(k, len(D))):
        penalty = np.where(np.isfinite(max_sim), max_sim, 0.0)
        score = np.where(available, lambda_mult * rel - (1 - lambda_mult) * penalty, -np.inf)
        i = int(np.argmax(score))
        chosen.append(i)
        available[i] = False
        max_sim = np.maximum(max_sim, sim[i])
    return chosen
