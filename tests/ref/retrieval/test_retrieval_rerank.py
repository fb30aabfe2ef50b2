"""Reranking follows the scorer, multi-query fusion equals RRF by hand, citation checks catch bad citations."""

import pytest

from mldrill.ref.retrieval.rerank import citation_check, multi_query_retrieve, rerank


def test_rerank_follows_the_scorer_and_keeps_first_stage_order_on_ties():
    cands = [("a", "x"), ("b", "xx"), ("c", "xxx"), ("d", "xx")]
    assert rerank("q", cands, lambda q, t: len(t), n=3) == [("c", 3.0), ("b", 2.0), ("d", 2.0)]
    calls = []
    rerank("q", cands, lambda q, t: calls.append(t) or 0.0, n=1)
    assert len(calls) == len(cands)  # cost is one scorer call per candidate


def test_multi_query_fuses_with_rrf_and_keeps_the_original_query():
    results = {"orig": ["a", "b"], "rw1": ["b", "c"], "rw2": ["b"]}
    fused = dict(multi_query_retrieve("orig", ["rw1", "rw2", "orig"], lambda q: results[q], k=60))
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61 + 1 / 61)
    assert fused["a"] == pytest.approx(1 / 61) and fused["c"] == pytest.approx(1 / 62)


def test_citation_check():
    chunks = {"d1": "Dropout is the identity at evaluation time.", "d2": "Adam keeps moving averages of gradients."}
    good = citation_check("Dropout is the identity at evaluation time [d1].", chunks)
    assert good.ok and len(good.supported) == 1
    bad = citation_check("Adam uses momentum on squared gradients [d1]. Dropout rescales. LoRA is great [d9].", chunks)
    # The Adam claim cites a chunk about dropout; the LoRA claim cites an id that does not exist.
    assert bad.unsupported == ["Adam uses momentum on squared gradients [d1].", "LoRA is great [d9]."]
    assert bad.uncited == ["Dropout rescales."]
    assert bad.unknown_ids == ["d9"] and not bad.ok
