"""Retrieval metrics vs sklearn (ndcg_score, average_precision_score) and closed forms; both M50 conventions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from sklearn.metrics import average_precision_score, ndcg_score

from mldrill.ref.metrics import retrieval as R


def test_precision_recall_rr_closed_forms():
    ranked, rel = ["d3", "d1", "d7", "d2"], {"d1", "d2", "d9"}
    assert R.precision_at_k(ranked, rel, 2) == 0.5
    assert R.precision_at_k(ranked[:1], rel, 5) == 0.0  # divides by k even when fewer were returned
    assert R.recall_at_k(ranked, rel, 4) == pytest.approx(2 / 3)
    assert R.reciprocal_rank(ranked, rel) == 0.5
    assert R.mrr([(ranked, rel), (["d9"], rel), (["x"], rel)]) == pytest.approx((0.5 + 1 + 0) / 3)
    with pytest.raises(ValueError, match="no relevant"):
        R.recall_at_k(ranked, set(), 3)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 12))
def test_average_precision_on_a_full_ranking_equals_sklearn(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[0] = 1
    s = rng.permutation(n).astype(float)  # distinct scores: no ties
    ranked = list(np.argsort(-s, kind="stable"))
    rel = set(np.flatnonzero(y))
    assert_allclose(R.average_precision(ranked, rel), average_precision_score(y, s), rtol=1e-12)
    # Every relevant document retrieved: both denominators agree.
    assert_allclose(
        R.average_precision(ranked, rel, denominator="retrieved_relevant"), average_precision_score(y, s), rtol=1e-12
    )


def test_m50_ap_conventions_differ_when_a_relevant_document_is_missing():
    """M50: AP divides by all relevant documents or only by those retrieved."""
    ranked, rel = ["a", "x", "b"], {"a", "b", "c"}  # c never retrieved
    p_sum = 1 / 1 + 2 / 3
    assert R.average_precision(ranked, rel) == pytest.approx(p_sum / 3)
    assert R.average_precision(ranked, rel, denominator="retrieved_relevant") == pytest.approx(p_sum / 2)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.sampled_from([None, 1, 3, 5]))
def test_ndcg_linear_gain_equals_sklearn(seed, k):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 4, size=(3, 8)).astype(float)
    y_true[:, 0] = 1.0  # every row has a relevant item
    y_score = rng.random((3, 8))
    assert_allclose(R.ndcg_from_scores(y_true, y_score, k=k), ndcg_score(y_true, y_score, k=k), rtol=1e-12)


def test_m50_ndcg_gain_conventions():
    """M50: gain rel (sklearn) vs 2^rel - 1; equal for binary relevance, different for graded."""
    judgements = {"a": 3, "b": 2, "c": 1}
    ranked = ["c", "b", "a"]
    lin = (1 / 1 + 2 / np.log2(3) + 3 / 2) / (3 / 1 + 2 / np.log2(3) + 1 / 2)
    exp = (1 / 1 + 3 / np.log2(3) + 7 / 2) / (7 / 1 + 3 / np.log2(3) + 1 / 2)
    assert R.ndcg_at_k(ranked, judgements, 3) == pytest.approx(lin, rel=1e-12)
    assert R.ndcg_at_k(ranked, judgements, 3, gain="exponential") == pytest.approx(exp, rel=1e-12)
    binary = {"a": 1, "c": 1}
    assert R.ndcg_at_k(ranked, binary, 3) == pytest.approx(R.ndcg_at_k(ranked, binary, 3, gain="exponential"))
    # IDCG counts judged documents that were not retrieved.
    assert R.ndcg_at_k(["a"], {"a": 1, "z": 1}, 2) == pytest.approx(1 / (1 + 1 / np.log2(3)))


def test_cross_modal_recall_and_median_rank_depend_on_direction():
    sim = np.array([[0.9, 0.1, 0.0], [0.95, 0.5, 0.2], [0.1, 0.0, 0.3]])
    assert list(R.ranks_of_matches(sim)) == [1, 2, 1]
    assert R.recall_at_k_matrix(sim, 1) == pytest.approx(2 / 3)
    assert list(R.ranks_of_matches(sim.T)) == [2, 1, 1]  # the other direction ranks differently
    assert R.median_rank(sim) == 1.0
