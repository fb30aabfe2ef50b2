"""BM25 vs rank_bm25.BM25Okapi with the same tokens; fast path vs readable loop; Lucene IDF; M48."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from rank_bm25 import BM25Okapi

from mldrill.ref.retrieval.bm25 import BM25, simple_tokenize

VOCAB = list("abcdefgh")
doc = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=12)


@settings(max_examples=30, deadline=None)
@given(
    corpus=st.lists(doc, min_size=1, max_size=8),
    query=st.lists(st.sampled_from([*VOCAB, "zz"]), max_size=6),
    k1=st.sampled_from([0.5, 1.2, 1.5, 3.0]),
    b=st.sampled_from([0.0, 0.75, 1.0]),
)
def test_okapi_equals_rank_bm25(corpus, query, k1, b):
    ours, ref = BM25(corpus, k1=k1, b=b), BM25Okapi(corpus, k1=k1, b=b)
    assert_allclose(ours.get_scores(query), ref.get_scores(query), rtol=1e-12, atol=1e-12)
    assert_allclose(ours.get_scores_readable(query), ref.get_scores(query), rtol=1e-12, atol=1e-12)
    for t, v in ref.idf.items():
        assert_allclose(ours.idf_[t], v, rtol=1e-14)


def test_batch_scores_equal_single_queries():
    corpus = [simple_tokenize(s) for s in ["the cat sat", "a dog ran far", "the cat and the dog", "cats"]]
    bm = BM25(corpus)
    qs = [["cat"], ["the", "dog", "dog"], ["zebra"], []]
    batch = bm.get_batch_scores(qs)
    for i, q in enumerate(qs):
        assert_allclose(batch[i], bm.get_scores_readable(q), rtol=1e-12, atol=1e-15)


def test_m48_okapi_idf_is_negative_for_common_terms_and_floored():
    """M48: ln((N - df + 0.5)/(df + 0.5)) < 0 when df > N/2; BM25Okapi floors it at epsilon * mean IDF."""
    corpus = [["common", "x"], ["common", "y"], ["common", "z"], ["rare"]]
    N, df = 4, 3
    raw = math.log((N - df + 0.5) / (df + 0.5))
    assert raw < 0
    bm = BM25(corpus)
    raw_all = {"common": raw, **{t: math.log((N - 1 + 0.5) / 1.5) for t in ["x", "y", "z", "rare"]}}
    floor = 0.25 * np.mean(list(raw_all.values()))
    assert_allclose(bm.idf_["common"], floor, rtol=1e-14)
    assert_allclose(bm.idf_["common"], BM25Okapi(corpus).idf["common"], rtol=1e-14)
    lucene = BM25(corpus, idf="lucene")
    assert_allclose(lucene.idf_["common"], math.log(1 + (N - df + 0.5) / (df + 0.5)), rtol=1e-15)
    assert all(v > 0 for v in lucene.idf_.values())


def test_k1_controls_saturation_and_b_length_normalization():
    corpus = [["t"] * 1 + ["x"] * 9, ["t"] * 5 + ["x"] * 5, ["y"] * 10, ["z"], ["w"], ["v"]]
    presence = BM25(corpus, k1=0.0).get_scores_readable(["t"])
    assert presence[0] == presence[1] > 0 and presence[2] == 0.0  # k1 = 0: only presence counts (no 0/0 = nan)
    assert_allclose(BM25(corpus, k1=0.0).get_scores(["t"]), presence, rtol=1e-15)
    linearish = BM25(corpus, k1=100.0).get_scores(["t"])
    assert linearish[1] / linearish[0] > 4.5  # large k1: nearly proportional to term frequency
    short_long = [["t", "q"], ["t"] + ["x"] * 20, ["y"], ["z"], ["w"]]
    no_norm = BM25(short_long, b=0.0).get_scores(["t"])
    assert no_norm[0] == no_norm[1]
    full = BM25(short_long, b=1.0).get_scores(["t"])
    assert full[0] > full[1]  # the long document is penalized


def test_top_k_and_empty_corpus():
    bm = BM25([["a", "b"], ["b"], ["c"]])
    assert [i for i, _ in bm.top_k(["b"], 2)] == [1, 0]  # shorter doc wins
    with pytest.raises(ValueError, match="at least one document"):
        BM25([])
