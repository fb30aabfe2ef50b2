"""Hybrid search: score normalization + weighted sum, and reciprocal rank fusion (RRF).

Weighted: hybrid = alpha * norm(bm25) + (1 - alpha) * norm(dense), with min-max ((s - min) / (max - min)) or z-score
((s - mean) / std) normalization: raw BM25 scores are unbounded while cosine lies in [-1, 1], so adding them raw lets
BM25 dominate. Trap: min-max is undefined when all scores are equal (0/0): we return zeros (no information) rather
than nan; z-score likewise when std = 0. alpha is a hyperparameter to tune on labelled queries.
RRF (Cormack et al., 2009): score(d) = sum over rankings r of 1 / (k + rank_r(d)), k = 60, ranks starting at 1;
a document missing from a ranking adds 0 there. It needs no score calibration, only ranks.
Tested on closed forms in tests/ref/retrieval/test_retrieval_hybrid.py.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np


def minmax_normalize(s: np.ndarray) -> np.ndarray:
    s = np.asarray(s, dtype=np.float64)
    span = s.max() - s.min() if len(s) else 0.0
    return (s - s.min()) / span if span > 0 else np.zeros_like(s)


def zscore_normalize(s: np.ndarray) -> np.ndarray:
    s = np.asarray(s, dtype=np.float64)
    if len(s) == 0 or s.max() == s.min():  # constant: test the range, not std > 0 (a rounded mean leaves std ~1e-16)
        return np.zeros_like(s)
    return (s - s.mean()) / s.std()


def hybrid_scores(
    bm25: np.ndarray, dense: np.ndarray, *, alpha: float = 0.5, norm: Literal["minmax", "zscore"] = "minmax"
) -> np.ndarray:
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    f = minmax_normalize if norm == "minmax" else zscore_normalize
    return alpha * f(bm25) + (1 - alpha) * f(dense)


def rrf(rankings: Sequence[Sequence[Hashable]], *, k: int = 60) -> list[tuple[Hashable, float]]:
    """Fuse ranked lists of ids -> [(id, fused score)], best first; ties keep first-seen order."""
    scores: dict[Hashable, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
