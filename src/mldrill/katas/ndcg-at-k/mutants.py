"""Classic wrong nDCGs, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def _dcg(rel, k, gain):
    rel = rel[:k]
    g = 2.0**rel - 1 if gain == "exponential" else rel
    return float(np.sum(g / np.log2(np.arange(2, len(rel) + 2))))

def ndcg(y_true, y_score, *, k=None, gain="linear"):
    y_true = np.asarray(y_true, dtype=float)
    y_score = np.asarray(y_score, dtype=float)
    per_query = []
    for rel, sc in zip(y_true, y_score):
        got = _dcg(rel[np.argsort(-sc)], k, gain)
        ideal = _dcg(np.sort(rel)[::-1], k, gain)
        per_query.append(got / ideal if ideal > 0 else 0.0)
    return float(np.mean(per_query))
"""

GENERIC = "matches sklearn's ndcg_score (linear gain)"
EVERY = (
    "the cut-off k applies to DCG and IDCG",
    "exponential gain 2^r - 1",
    "gains agree on binary relevance",
    "a query with no relevant document scores 0",
)

MUTANTS = [
    mutant(
        "0-based ranks in log2(rank + 1)",
        "np.log2(np.arange(2, len(rel) + 2))",
        "np.log2(np.arange(1, len(rel) + 1))",
        GENERIC,
        *EVERY,  # the top document gets the discount 1 / log2(1) = 1/0: every score becomes NaN
    ),
    mutant(
        "IDCG not cut at k",
        "ideal = _dcg(np.sort(rel)[::-1], k, gain)",
        "ideal = _dcg(np.sort(rel)[::-1], None, gain)",
        "the cut-off k applies to DCG and IDCG",
        "exponential gain 2^r - 1",  # both exponential checks cut at k too
        "gains agree on binary relevance",
    ),
    mutant(
        "gain ignored (always linear)",
        'g = 2.0**rel - 1 if gain == "exponential" else rel',
        "g = rel",
        "exponential gain 2^r - 1",
    ),
    mutant(
        "exponential gain 2^r without the -1",
        "g = 2.0**rel - 1 if",
        "g = 2.0**rel if",
        "exponential gain 2^r - 1",
        "gains agree on binary relevance",  # an irrelevant document now has gain 1
    ),
    mutant(
        "0/0 for a query with nothing relevant",
        "got / ideal if ideal > 0 else 0.0",
        "got / ideal",
        "a query with no relevant document scores 0",
        "gains agree on binary relevance",  # a drawn binary row may have no 1
    ),
    mutant(
        "skips queries with nothing relevant",
        "per_query.append(got / ideal if ideal > 0 else 0.0)",
        "if ideal > 0:\n            per_query.append(got / ideal)",
        "a query with no relevant document scores 0",
        "gains agree on binary relevance",  # a drawn binary row may have no 1 either
    ),
]
