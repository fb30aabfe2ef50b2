"""The hybrid-retrieval lab on its labelled card set (hashed dense encoder: fast and deterministic)."""

import pytest

from mldrill.labs.retrieval_hybrid import run


def test_recall_curves_and_the_hybrid_endpoints() -> None:
    n = run(area="rag-retrieval", dense="hashed", alpha=0.5).numbers
    for curve in n["recall"].values():
        assert curve == sorted(curve) and curve[-1] <= 1.0  # Recall@k never falls as k grows
    assert n["recall"]["BM25"][9] >= 0.9  # questions share rare words with their own answers
    only_bm25 = run(area="rag-retrieval", dense="hashed", alpha=1.0).numbers["recall"]
    only_dense = run(area="rag-retrieval", dense="hashed", alpha=0.0).numbers["recall"]
    assert only_bm25["hybrid α = 1"] == pytest.approx(only_bm25["BM25"])  # alpha = 1 is BM25's ranking
    assert only_dense["hybrid α = 0"] == pytest.approx(only_dense["dense (hashed bag of words)"])
