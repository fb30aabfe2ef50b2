"""signal_propagation: the variance map against closed forms (ReLU: sigma_w2 q / 2; identity: sigma_w2 q) and a
Monte Carlo estimate (tanh); the simulated deep net against the map's fixed point and its chi."""

import math

import numpy as np
import pytest
import torch

from mldrill.ref import signal_propagation as S


@pytest.mark.parametrize("q", [0.3, 1.0, 4.0])
def test_variance_map_closed_forms(q):
    assert S.variance_map(q, torch.relu, 2.0) == pytest.approx(q, rel=1e-9)
    assert S.variance_map(q, torch.relu, 1.0) == pytest.approx(q / 2, rel=1e-9)
    assert S.variance_map(q, lambda y: y, 1.5) == pytest.approx(1.5 * q, rel=1e-9)
    # ReLU' = 1[y > 0]: chi = sigma_w2 / 2 (exact: the even node count puts half the weight on each side)
    assert S.chi(torch.relu, 2.0, q) == pytest.approx(1.0, rel=1e-9)


def test_variance_map_tanh_matches_monte_carlo():
    z = np.random.default_rng(0).standard_normal(2_000_000)
    mc = 2.0 * np.mean(np.tanh(math.sqrt(0.7) * z) ** 2)  # standard error ~ 2e-4
    assert S.variance_map(0.7, torch.tanh, 2.0) == pytest.approx(mc, abs=2e-3)


def test_tanh_with_he_gain_settles_and_does_not_saturate():
    q = S.fixed_point(torch.tanh, 2.0)
    assert S.variance_map(q, torch.tanh, 2.0) == pytest.approx(q, rel=1e-9)
    assert 0.7 < math.sqrt(q) < 0.85
    assert S.chi(torch.tanh, 2.0, q) > 1  # gradients grow toward the input
    p = S.simulate(50, 512, torch.tanh, 2.0, batch=256)
    assert p.preact_std[-1] == pytest.approx(math.sqrt(q), rel=0.05)


def test_relu_xavier_halves_he_keeps():
    x = S.simulate(30, 256, torch.relu, 1.0, batch=128)
    he = S.simulate(30, 256, torch.relu, 2.0, batch=128)
    # log2 of the std ratio over 29 maps: -29/2 for Xavier, 0 for He (finite width adds a small random drift)
    assert math.log2(x.preact_std[-1] / x.preact_std[0]) == pytest.approx(-14.5, abs=1.5)
    assert math.log2(he.preact_std[-1] / he.preact_std[0]) == pytest.approx(0.0, abs=1.5)


def test_bad_input():
    with pytest.raises(ValueError):
        S.variance_map(-1.0, torch.tanh, 1.0)
    with pytest.raises(ValueError):
        S.simulate(0, 8, torch.tanh, 1.0)
