"""pass@k vs the closed form and Monte Carlo; McNemar vs scipy.stats.binomtest; majority vote."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import binomtest

from mldrill.ref.eval.stats import bootstrap_ci, mcnemar_exact, pass_at_k, self_consistency


@pytest.mark.parametrize(("n", "c", "k"), [(10, 3, 1), (10, 3, 5), (20, 0, 5), (5, 4, 2), (200, 17, 10), (7, 7, 3)])
def test_pass_at_k_closed_form(n, c, k):
    expected = 1.0 if n - c < k else 1 - math.comb(n - c, k) / math.comb(n, k)
    assert_allclose(pass_at_k(n, c, k), expected, rtol=1e-12, atol=1e-15)
    if k == 1:
        assert_allclose(pass_at_k(n, c, 1), c / n, rtol=1e-12)


def test_pass_at_k_matches_monte_carlo():
    """100k draws of k of n samples without replacement; 5-sigma band (false failure ~6e-7)."""
    n, c, k = 12, 3, 4
    rng = np.random.default_rng(0)
    draws = 100_000
    hits = np.argsort(rng.random((draws, n)), axis=1)[:, :k].min(1) < c  # k distinct samples; 0..c-1 pass
    sd = math.sqrt(pass_at_k(n, c, k) * (1 - pass_at_k(n, c, k)) / draws)
    assert abs(hits.mean() - pass_at_k(n, c, k)) < 5 * sd


def test_mcnemar_matches_binomtest_and_majority_vote():
    rng = np.random.default_rng(1)
    a, b = rng.random(80) < 0.8, rng.random(80) < 0.6
    n01, n10 = int((a & ~b).sum()), int((~a & b).sum())
    assert_allclose(mcnemar_exact(a, b), binomtest(n01, n01 + n10, 0.5).pvalue, rtol=1e-12)
    assert mcnemar_exact(a, a) == 1.0
    assert self_consistency(["4", "5", "4", "5", "3"]) == "4"
    with pytest.raises(ValueError):
        pass_at_k(5, 6, 1)


def test_bootstrap_ci_equals_scipy_percentile_bootstrap():
    from scipy import stats

    x = np.random.default_rng(3).integers(0, 2, 40).astype(float)  # per-item correctness
    ours = bootstrap_ci(x, n_resamples=3000, seed=7)
    ref = stats.bootstrap(
        (x,), np.mean, method="percentile", n_resamples=3000, rng=np.random.default_rng(7), vectorized=True, axis=-1
    ).confidence_interval
    assert_allclose(ours, (ref.low, ref.high), rtol=1e-12)
    small = bootstrap_ci(x[:10], n_resamples=3000, seed=7)
    assert small[1] - small[0] > ours[1] - ours[0]  # fewer items, wider interval
