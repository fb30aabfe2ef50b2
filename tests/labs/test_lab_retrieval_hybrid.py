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


def test_fusions_follow_the_card_formulas() -> None:
    """Cards rrf-hybrid (RRF = Σ 1/(60 + rank), ranks from 1) and hybrid-normalization (α·minmax(BM25) +
    (1 - α)·minmax(cosine); unnormalized, the larger-scale BM25 score dominates), recomputed here from the
    lab's own labelled set and scores and compared with the lab's Recall@k curves."""
    import numpy as np

    from mldrill.labs.retrieval_hybrid import KS, dense_embed, labelled_set
    from mldrill.ref.retrieval.bm25 import BM25, simple_tokenize

    alpha = 0.3
    n = run(area="rag-retrieval", dense="hashed", alpha=alpha).numbers["recall"]
    qs, docs = labelled_set("rag-retrieval")
    bm25 = BM25([simple_tokenize(d) for d in docs])
    emb, _ = dense_embed(qs + docs, "hashed")

    def minmax(s: np.ndarray) -> np.ndarray:
        return (s - s.min()) / (s.max() - s.min())

    def hits(order: list[int], i: int) -> list[float]:
        return [float(i in order[:k]) for k in KS]

    rrf_hits, hybrid_hits, raw_top1_is_bm25 = [], [], []
    for i, q in enumerate(qs):
        s_bm = bm25.get_scores(simple_tokenize(q))
        s_de = emb[len(qs) :] @ emb[i]
        rank_bm = [int(d) for d in np.argsort(-s_bm, kind="stable")]
        rank_de = [int(d) for d in np.argsort(-s_de, kind="stable")]
        pos_bm = {d: r for r, d in enumerate(rank_bm, start=1)}
        pos_de = {d: r for r, d in enumerate(rank_de, start=1)}
        fused = {d: 1 / (60 + pos_bm[d]) + 1 / (60 + pos_de[d]) for d in rank_bm}
        rrf_hits.append(hits(sorted(rank_bm, key=lambda d: (-fused[d], pos_bm[d])), i))
        mixed = alpha * minmax(s_bm) + (1 - alpha) * minmax(s_de)
        hybrid_hits.append(hits([int(d) for d in np.argsort(-mixed, kind="stable")], i))
        raw_top1_is_bm25.append(int(np.argmax(0.5 * s_bm + 0.5 * s_de)) == rank_bm[0])
    assert n["RRF"] == pytest.approx(np.mean(rrf_hits, axis=0).tolist(), abs=1e-12)
    assert n[f"hybrid α = {alpha:g}"] == pytest.approx(np.mean(hybrid_hits, axis=0).tolist(), abs=1e-12)
    assert np.mean(raw_top1_is_bm25) >= 0.9  # the raw sum's top hit is BM25's (23 of 23 when written)
