"""ECE vs a brute-force loop (M66: the bin count matters) and temperature scaling (argmax unchanged, NLL falls)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import softmax

from mldrill.ref.metrics.calibration import ece, fit_temperature, nll, reliability_bins


def _ece_loop(probs, y, n_bins):
    total = 0.0
    conf, pred = probs.max(1), probs.argmax(1)
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        in_bin = [i for i in range(len(y)) if (lo < conf[i] <= hi) or (b == 0 and conf[i] == 0.0)]
        if in_bin:
            acc = np.mean([pred[i] == y[i] for i in in_bin])
            total += len(in_bin) / len(y) * abs(acc - np.mean(conf[in_bin]))
    return total


def _overconfident(seed=0, n=600, C=4):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, C, n)
    logits = rng.normal(size=(n, C)) + 1.5 * np.eye(C)[y]
    return logits * 3.0, y  # sharpened: overconfident


@pytest.mark.parametrize("n_bins", [5, 10, 15, 30])
def test_ece_equals_brute_force(n_bins):
    logits, y = _overconfident()
    p = softmax(logits, axis=1)
    assert_allclose(ece(p, y, n_bins), _ece_loop(p, y, n_bins), rtol=1e-12)


def test_m66_bin_count_changes_ece():
    """M66: the number of bins is part of the definition."""
    logits, y = _overconfident(seed=1, n=200)
    p = softmax(logits, axis=1)
    values = {b: ece(p, y, b) for b in (5, 15, 50)}
    assert len({round(v, 6) for v in values.values()}) == 3


def test_bin_edges_are_right_closed():
    p = np.array([[0.6, 0.4], [0.4, 0.6]])  # confidence 0.6 exactly on an edge with 5 bins
    count, _, _ = reliability_bins(p, np.array([0, 1]), n_bins=5)
    assert count[2] == 2  # (0.4, 0.6]


def test_temperature_scaling_keeps_argmax_and_lowers_nll_and_ece():
    logits, y = _overconfident(seed=2)
    T = fit_temperature(logits, y)
    assert T > 1.5  # overconfident logits need softening
    grid = np.exp(np.linspace(np.log(0.5), np.log(10), 2001))
    assert nll(logits, y, T) <= min(nll(logits, y, t) for t in grid) + 1e-9  # the 1-D optimum
    assert_array_equal(softmax(logits / T, 1).argmax(1), logits.argmax(1))
    assert nll(logits, y, T) < nll(logits, y)
    assert ece(softmax(logits / T, 1), y) < ece(softmax(logits, 1), y)


@pytest.mark.parametrize("n_bins", [10, 15, 25, 41, 50])
def test_every_edge_k_over_m_falls_in_the_bin_it_closes(n_bins):
    """A confidence of exactly k/M belongs to ((k-1)/M, k/M] (14/25 * 25 = 14.000000000000002 in floating point, so
    ceil(conf * M) misplaces it); the oracle is the brute-force loop's interval test on the same numbers."""
    conf = np.arange(1, n_bins + 1) / n_bins
    conf = conf[conf >= 0.5]  # a two-class max probability is at least 0.5
    p = np.stack([conf, 1 - conf], axis=1)
    y = np.zeros(len(conf), dtype=int)
    count, _, _ = reliability_bins(p, y, n_bins=n_bins)
    expected = [sum(1 for c in conf if b / n_bins < c <= (b + 1) / n_bins) for b in range(n_bins)]
    assert_array_equal(count, expected)
    assert_allclose(ece(p, y, n_bins), _ece_loop(p, y, n_bins), rtol=1e-12)
