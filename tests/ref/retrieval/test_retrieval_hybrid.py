"""Hybrid scoring and RRF closed forms; MMR vs a brute-force greedy loop."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from mldrill.ref.retrieval.hybrid import hybrid_scores, minmax_normalize, rrf, zscore_normalize
from mldrill.ref.retrieval.mmr import mmr


def test_normalizations_and_weighted_sum():
    bm, de = np.array([12.0, 3.0, 0.0]), np.array([0.1, 0.9, 0.5])
    assert_allclose(minmax_normalize(bm), [1.0, 0.25, 0.0], rtol=1e-15)
    assert_allclose(zscore_normalize(de), (de - de.mean()) / de.std(), rtol=1e-15)
    assert_allclose(
        hybrid_scores(bm, de, alpha=0.3), 0.3 * np.array([1, 0.25, 0]) + 0.7 * np.array([0, 1, 0.5]), rtol=1e-15
    )
    assert np.argmax(bm + de) == 0  # raw sum: BM25's scale dominates
    assert np.argmax(hybrid_scores(bm, de, alpha=0.3)) == 1


def test_minmax_with_all_equal_scores_is_zero_not_nan():
    assert_allclose(minmax_normalize(np.full(4, 2.5)), 0.0)
    assert_allclose(zscore_normalize(np.full(4, 2.5)), 0.0)
    with pytest.raises(ValueError, match="alpha"):
        hybrid_scores(np.ones(2), np.ones(2), alpha=1.5)


def test_rrf_closed_form_and_missing_documents():
    fused = dict(rrf([["a", "b", "c"], ["b", "d"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["d"] == pytest.approx(1 / 62)  # missing from the first list: adds 0 there
    assert next(iter(dict(rrf([["a", "b", "c"], ["b", "d"]])))) == "b"


def _mmr_brute(q, D, k, lam):
    Dn = D / np.linalg.norm(D, axis=1, keepdims=True)
    qn = q / np.linalg.norm(q)
    chosen = []
    for _ in range(min(k, len(D))):
        best, best_score = None, -np.inf
        for i in range(len(D)):
            if i in chosen:
                continue
            red = max((float(Dn[i] @ Dn[j]) for j in chosen), default=0.0)
            score = lam * float(Dn[i] @ qn) - (1 - lam) * red
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
    return chosen


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 6), lam=st.sampled_from([0.0, 0.3, 0.5, 0.8, 1.0]))
def test_mmr_equals_brute_force_greedy(seed, k, lam):
    rng = np.random.default_rng(seed)
    q, D = rng.normal(size=5), rng.normal(size=(9, 5))
    assert mmr(q, D, k=k, lambda_mult=lam) == _mmr_brute(q, D, k, lam)


def test_mmr_skips_near_duplicates():
    q = np.array([1.0, 0.0, 0.0])
    D = np.array([[1.0, 0.05, 0.0], [1.0, 0.06, 0.0], [0.7, 0.0, 0.7]])  # 0 and 1 are near-duplicates
    assert mmr(q, D, k=2, lambda_mult=1.0) == [0, 1]
    assert mmr(q, D, k=2, lambda_mult=0.5) == [0, 2]


def test_a_constant_vector_z_scores_to_zeros_even_when_its_mean_rounds():
    """np.full(5, x).std() can be ~1e-16 (the mean rounds), which an `std > 0` test divides by: +-0.5 instead of 0."""
    from mldrill.ref.retrieval.hybrid import zscore_normalize

    rounding = [x for x in np.random.default_rng(0).uniform(1, 10, 200) if np.full(5, x).std() > 0]
    assert rounding, "no value whose constant vector has a non-zero float std: the test would prove nothing"
    for x in rounding:
        assert np.array_equal(zscore_normalize(np.full(5, x)), np.zeros(5))
