"""Bias-variance decomposition identity and double descent (M54)."""

from numpy.testing import assert_allclose

from mldrill.ref.classical.bias_variance import bias_variance_mc, double_descent


def test_decomposition_identity_and_noise_term():
    r = bias_variance_mc(3, trials=300, seed=0)
    assert_allclose(r.bias2 + r.variance, r.mse_vs_f, rtol=1e-12)  # exact identity of sample means
    # With fresh noise the total matches bias^2 + variance + noise within Monte Carlo error (300 x 50 draws).
    assert_allclose(r.expected_mse, r.bias2 + r.variance + r.noise, rtol=0.05)


def test_low_degree_is_biased_high_degree_is_variable():
    lo, hi = bias_variance_mc(1, trials=200, seed=1), bias_variance_mc(5, trials=200, seed=1)
    assert lo.bias2 > 3 * lo.variance
    assert hi.variance > 5 * hi.bias2
    assert hi.variance > lo.variance and lo.bias2 > hi.bias2


def test_m54_test_error_peaks_at_the_interpolation_threshold():
    """M54: double descent; the error at p = n is far above both the under- and the heavily over-parameterized fit."""
    ps = [5, 20, 40, 160, 640]
    err = double_descent(ps, n_train=40, trials=10, seed=0)
    peak = err[ps.index(40)]
    assert peak > 3 * err[ps.index(5)]
    assert peak > 3 * err[ps.index(640)]
    assert err[ps.index(640)] < err[ps.index(160)] < peak
