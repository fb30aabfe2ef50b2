"""Hidden checks for the ndcg-at-k kata. Expected values: sklearn.metrics.ndcg_score (linear gain) and the closed form
with exponential gain (no ties in the scores, so the tie handling of the two never matters)."""

from __future__ import annotations

from functools import partial

import numpy as np
from sklearn.metrics import ndcg_score

from mldrill.grader.checks import Call, Check
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="ndcg")


def _exp_ndcg(t: np.ndarray, s: np.ndarray, k: int | None) -> float:
    out = []
    for rel, sc in zip(t, s, strict=True):
        g = 2.0 ** rel[np.argsort(-sc)][:k] - 1
        ideal = 2.0 ** np.sort(rel)[::-1][:k] - 1
        disc = 1 / np.log2(np.arange(2, len(g) + 2))
        idcg = float((ideal * disc).sum())
        out.append(float((g * disc).sum()) / idcg if idcg > 0 else 0.0)
    return float(np.mean(out))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(q: int, d: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.integers(0, 4, size=(q, d)).astype(float), rng.permutation(q * d).reshape(q, d) / (q * d)

    a, b, c = case(3, 6), case(4, 8), case(2, 10)
    binary = (rng.integers(0, 2, size=(3, 6)).astype(float), rng.permutation(18).reshape(3, 6) / 18.0)
    w = int(rng.integers(3, 8))  # one query with nothing relevant, one with something
    empty = (
        np.stack([np.zeros(w), np.r_[rng.integers(0, 3, size=w - 1), 2.0]]),
        rng.permutation(2 * w).reshape(2, w) / w,
    )

    def lin(t, s, k=None):
        return [Call((t, s), {"k": k})], expect_scalar([float(ndcg_score(t, s, k=k))], atol=1e-12, rtol=1e-10)

    def expo(t, s, k=None):
        calls = [Call((t, s), {"k": k, "gain": "exponential"})]
        return calls, expect_scalar([_exp_ndcg(t, s, k)], atol=1e-12, rtol=1e-10)

    return [
        Check("matches sklearn's ndcg_score (linear gain)", "Rank by decreasing score, DCG = sum rel_i / "
              "log2(i + 1) with ranks i from 1 (the top document has discount 1 / log2(2) = 1), divide by the ideal "
              "DCG, average over queries.", *lin(*a)),
        Check("the cut-off k applies to DCG and IDCG", "nDCG@k sums the top k ranks of both the system and the "
              "ideal ranking; cutting only the DCG deflates the score.", *lin(*b, k=3)),
        Check("exponential gain 2^r - 1", "The other convention (M50): graded relevance counts as 2^r - 1, which "
              "rewards highly relevant documents more; state which one you use.", *expo(*c, k=5)),
        Check("gains agree on binary relevance", "With relevance in {0, 1}, r and 2^r - 1 coincide.",
              *expo(*binary, k=4)),
        Check("a query with no relevant document scores 0", "IDCG = 0 there: return 0 for that query instead of "
              "0/0 = NaN, and still average over all queries (as sklearn does).", *lin(*empty)),
    ]  # fmt: skip
