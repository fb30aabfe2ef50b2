"""Information theory vs scipy.stats.entropy, scipy.special.rel_entr, scipy jensenshannon and sklearn MI."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr
from scipy.stats import entropy as sp_entropy
from sklearn.metrics import mutual_info_score

from mldrill.ref import info

probs = arrays(np.float64, st.integers(2, 8), elements=st.floats(0.0, 1.0)).filter(lambda a: a.sum() > 1e-3)


@settings(max_examples=30, deadline=None)
@given(p=probs, base=st.sampled_from([None, 2.0, 10.0]))
def test_entropy_matches_scipy(p, base):
    assert_allclose(info.entropy(p, base=base), sp_entropy(p, base=base), rtol=1e-10, atol=1e-14)


def test_zero_log_zero_is_zero_and_uniform_is_max():
    assert info.entropy(np.array([1.0, 0.0, 0.0])) == 0.0
    assert_allclose(info.entropy(np.ones(5)), np.log(5), rtol=1e-15)
    assert_allclose(info.binary_entropy(0.9), 0.469, atol=5e-4)  # H(0.9, 0.1) ~ 0.469 bits


@settings(max_examples=30, deadline=None)
@given(p=probs, q=probs)
def test_kl_cross_entropy_and_js_match_scipy(p, q):
    n = min(len(p), len(q))
    p, q = p[:n] + 1e-3, q[:n] + 1e-3  # strictly positive: KL finite
    pn, qn = p / p.sum(), q / q.sum()
    assert_allclose(info.kl(p, q), rel_entr(pn, qn).sum(), rtol=1e-9, atol=1e-13)
    assert_allclose(info.kl(p, q), sp_entropy(p, q), rtol=1e-9, atol=1e-13)
    assert_allclose(info.cross_entropy_dist(p, q), info.entropy(p) + info.kl(p, q), rtol=1e-10)  # H(P,Q) = H + KL
    assert_allclose(info.js(p, q, base=2.0), jensenshannon(p, q, base=2.0) ** 2, rtol=1e-8, atol=1e-13)


def test_kl_is_asymmetric_and_infinite_off_support():
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.8, 0.1, 0.1])
    assert info.kl(p, q) != info.kl(q, p)
    assert info.kl(q, p) == np.inf  # q puts mass where p has none
    assert np.isfinite(info.kl(p, q))


def test_m56_js_is_bounded_by_ln2_and_scipy_returns_its_square_root():
    """M56: JS <= ln 2 nats (1 bit); scipy's jensenshannon is sqrt(JS)."""
    p, q = np.array([1.0, 0.0]), np.array([0.0, 1.0])  # disjoint supports: the maximum
    assert_allclose(info.js(p, q), np.log(2), rtol=1e-15)
    assert_allclose(info.js(p, q, base=2.0), 1.0, rtol=1e-15)
    assert_allclose(jensenshannon(p, q) ** 2, info.js(p, q), rtol=1e-12)
    r = np.array([0.5, 0.5])
    assert_allclose(np.sqrt(info.js(p, r)), jensenshannon(p, r), rtol=1e-12)


def test_mutual_information_matches_sklearn():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 4, 500)
    y = (x + rng.integers(0, 2, 500)) % 3
    assert_allclose(info.mutual_information(info.joint_from_samples(x, y)), mutual_info_score(x, y), rtol=1e-10)
    P = info.joint_from_samples(x, y)
    hx, hy = info.entropy(P.sum(1)), info.entropy(P.sum(0))
    assert_allclose(info.mutual_information(P), hx + hy - info.entropy(P.ravel()), rtol=1e-10)
    assert_allclose(info.conditional_entropy(P), info.entropy(P.ravel()) - hx, rtol=1e-12)  # chain rule
    assert info.conditional_entropy(P) <= hy + 1e-12  # conditioning never increases entropy


@pytest.mark.parametrize("base", [None, 2.0])
def test_information_table_matches_sklearn_and_scipy(base):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, size=2000)
    y = (x + rng.integers(0, 3, size=2000)) % 5  # dependent on x, 4 x 5 values
    keep = ~((x == 0) & (y == 0))  # an empty cell: 0 log 0 = 0
    x, y = x[keep], y[keep]
    P = info.joint_from_samples(x, y)
    assert P[0, 0] == 0.0
    mi, hx, hy, hxy = info.information_table(P, base=base)
    unit = 1.0 if base is None else np.log(base)
    assert_allclose(mi, mutual_info_score(x, y) / unit, rtol=1e-10)  # sklearn: nats, from the labels
    assert_allclose(hx, sp_entropy(P.sum(1), base=base), rtol=1e-12)  # rows index X
    assert_allclose(hy, sp_entropy(P.sum(0), base=base), rtol=1e-12)
    assert_allclose(hxy, sp_entropy(P.ravel(), base=base), rtol=1e-12)


def test_m55_high_entropy_id_column_is_not_informative():
    """M55: an ID column has maximal entropy, yet its MI with the label on new data is 0 (no generalizable signal)."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 400)
    ids = np.arange(400)
    useful = np.where(rng.random(400) < 0.9, y, 1 - y)
    assert info.entropy(np.bincount(ids)) > 8 * info.entropy(np.bincount(useful))  # ln 400 vs <= ln 2
    # Learn id -> label on the first half; on the second half every id is unseen, so the prediction is constant.
    lookup = dict(zip(ids[:200], y[:200], strict=True))
    pred_ids = np.array([lookup.get(i, 0) for i in ids[200:]])
    assert info.mutual_information(info.joint_from_samples(pred_ids, y[200:])) == 0.0
    assert info.mutual_information(info.joint_from_samples(useful[200:], y[200:])) > 0.2


def test_m57_mi_equal_to_hx_means_y_determines_x():
    """M57: I(X;Y) = H(X) iff H(X|Y) = 0: Y determines X (here X = Y mod 2), not the other way round."""
    y = np.arange(8) % 4
    x = y % 2
    P = info.joint_from_samples(x, y)
    assert_allclose(info.mutual_information(P), info.entropy(P.sum(1)), rtol=1e-12)
    assert info.conditional_entropy(P.T) == pytest.approx(0.0, abs=1e-12)  # H(X | Y) = 0
    assert info.conditional_entropy(P) > 0.5  # H(Y | X) > 0: X does not determine Y


def test_gini_units_and_perplexity():
    assert_allclose(info.gini(np.array([0.5, 0.25, 0.25])), 1 - (0.25 + 0.0625 * 2), rtol=1e-15)
    assert_allclose(info.to_bits(1.0), 1.4426950408889634, rtol=1e-15)
    p = np.array([0.7, 0.2, 0.1])
    h_nats, h_bits = info.entropy(p), info.entropy(p, base=2.0)
    assert_allclose(info.perplexity_from_entropy(h_nats), info.perplexity_from_entropy(h_bits, base=2.0), rtol=1e-14)


def test_bad_distribution_is_a_clear_error():
    with pytest.raises(ValueError, match="non-negative"):
        info.entropy(np.array([0.5, -0.1]))
