"""ref.ssm: the three computations agree, against an independent dense matrix form of the SSM."""

import numpy as np

from mldrill.labs.ssm_scan import run
from mldrill.ref.ssm import convolutional, discretize, parallel_scan, recurrent


def test_three_ways_agree_with_the_dense_form() -> None:
    rng = np.random.default_rng(0)
    a, b, c = -rng.uniform(0.1, 5, 6), rng.standard_normal(6), rng.standard_normal(6)
    x = rng.standard_normal(37)  # not a power of two
    abar, bbar = discretize(a, b, 0.3)
    # dense oracle: y_t = sum_{j<=t} C diag(abar)^(t-j) bbar x_j, built entry by entry
    dense = np.array([[c @ (abar ** (t - j) * bbar) if j <= t else 0.0 for j in range(37)] for t in range(37)])
    y = dense @ x
    for fn in (recurrent, convolutional, parallel_scan):
        assert np.abs(fn(abar, bbar, c, x) - y).max() < 1e-10, fn.__name__
    assert np.allclose(abar, np.exp(0.3 * a)) and np.allclose(bbar, (np.exp(0.3 * a) - 1) / a * b)


def test_lab_outputs_agree() -> None:
    n = run(state=8, length=64, seed=0).numbers
    assert max(n["max_err"].values()) < 1e-10
