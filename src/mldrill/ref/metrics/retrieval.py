"""Ranking metrics for retrieval: P@k, R@k, reciprocal rank / MRR, average precision, nDCG@k, and the
cross-modal Recall@K / median rank of a similarity matrix.

Ranks start at 1. P@k = |relevant in top k| / k; R@k = |relevant in top k| / |relevant|; RR = 1 / rank of the first
relevant (0 if none); MRR = mean RR over queries.
AP has two conventions (M50): divide the sum of P@i over the relevant positions i by the number of *all* relevant
documents (TREC, sklearn's average_precision_score on a full ranking) or by the number of relevant documents
*retrieved* (some toolkits); they differ whenever a relevant document is missing from the list.
nDCG@k = DCG@k / IDCG@k with DCG = sum_i gain(rel_i) / log2(i + 1); gain is rel ("linear", sklearn's ndcg_score) or
2^rel - 1 ("exponential", Burges et al. / TREC); with binary relevance they agree. IDCG is the DCG of the ideal
ordering of *all* judged documents, not only the retrieved ones.

Traps: P@k divides by k even if fewer than k documents were returned; ties in scores make the ranking ambiguous
(sklearn's ndcg_score averages over tied groups; rank by a stable sort here and avoid ties when comparing).
Tested against sklearn.metrics.ndcg_score / average_precision_score and closed forms.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Literal

import numpy as np


def precision_at_k(retrieved: Sequence[Hashable], relevant: Collection[Hashable], k: int) -> float:
    rel = set(relevant)
    return sum(d in rel for d in retrieved[:k]) / k


def recall_at_k(retrieved: Sequence[Hashable], relevant: Collection[Hashable], k: int) -> float:
    rel = set(relevant)
    if not rel:
        raise ValueError("recall is undefined for a query with no relevant documents")
    return sum(d in rel for d in retrieved[:k]) / len(rel)


def reciprocal_rank(retrieved: Sequence[Hashable], relevant: Collection[Hashable]) -> float:
    rel = set(relevant)
    for i, d in enumerate(retrieved, start=1):
        if d in rel:
            return 1.0 / i
    return 0.0


def mrr(runs: Sequence[tuple[Sequence[Hashable], Collection[Hashable]]]) -> float:
    """Mean reciprocal rank over (retrieved, relevant) pairs."""
    return float(np.mean([reciprocal_rank(r, rel) for r, rel in runs]))


def average_precision(
    retrieved: Sequence[Hashable],
    relevant: Collection[Hashable],
    *,
    k: int | None = None,
    denominator: Literal["all_relevant", "retrieved_relevant"] = "all_relevant",
) -> float:
    rel = set(relevant)
    ranked = list(retrieved[:k] if k is not None else retrieved)
    hits, total = 0, 0.0
    for i, d in enumerate(ranked, start=1):
        if d in rel:
            hits += 1
            total += hits / i  # P@i at each relevant position
    denom = len(rel) if denominator == "all_relevant" else hits
    return total / denom if denom else 0.0


def _gain(rel: np.ndarray, kind: str) -> np.ndarray:
    return rel if kind == "linear" else 2.0**rel - 1.0


def dcg(
    relevances: Sequence[float] | np.ndarray, *, k: int | None = None, gain: Literal["linear", "exponential"] = "linear"
) -> float:
    r = np.asarray(relevances, dtype=np.float64)[:k]
    return float((_gain(r, gain) / np.log2(np.arange(2, len(r) + 2))).sum())


def ndcg_at_k(
    retrieved: Sequence[Hashable],
    relevance: Mapping[Hashable, float],
    k: int,
    *,
    gain: Literal["linear", "exponential"] = "linear",
) -> float:
    """nDCG@k of a ranked list given graded judgements {doc: grade}; unjudged documents have grade 0."""
    got = [relevance.get(d, 0.0) for d in retrieved[:k]]
    ideal = sorted(relevance.values(), reverse=True)
    idcg = dcg(ideal, k=k, gain=gain)
    return dcg(got, k=k, gain=gain) / idcg if idcg > 0 else 0.0


def ndcg_from_scores(
    y_true: np.ndarray, y_score: np.ndarray, *, k: int | None = None, gain: Literal["linear", "exponential"] = "linear"
) -> float:
    """Mean nDCG over rows, ranking each row's items by score (stable for ties); sklearn's ndcg_score layout."""
    y_true, y_score = np.atleast_2d(y_true), np.atleast_2d(y_score)
    out = []
    for t, s in zip(y_true, y_score, strict=True):
        order = np.argsort(-s, kind="stable")
        idcg = dcg(np.sort(t)[::-1], k=k, gain=gain)
        out.append(dcg(t[order], k=k, gain=gain) / idcg if idcg > 0 else 0.0)
    return float(np.mean(out))


def ranks_of_matches(sim: np.ndarray) -> np.ndarray:
    """For a square similarity matrix whose correct match for query i is item i: the 1-based rank of item i."""
    sim = np.asarray(sim)
    correct = np.diag(sim)[:, None]
    return (sim > correct).sum(1) + 1  # ties counted in the query's favour


def recall_at_k_matrix(sim: np.ndarray, k: int) -> float:
    """Cross-modal Recall@K: fraction of queries whose match is in the top k. Rows are the queries: pass sim.T
    for the other direction (image->text and text->image generally differ)."""
    return float((ranks_of_matches(sim) <= k).mean())


def median_rank(sim: np.ndarray) -> float:
    return float(np.median(ranks_of_matches(sim)))
