"""calibration-metrics/ece, /temperature-scaling and numerics/label-smoothing-tradeoffs on the labs' numbers."""

import math

import pytest

from mldrill.labs import calibration, label_smoothing


def test_ece_card_example() -> None:
    assert calibration.card_example() == pytest.approx(0.10)


def test_temperature_scaling_recovers_the_factor_and_keeps_accuracy() -> None:
    n = calibration.run(overconfidence=2.5, n=4000, seed=0).numbers
    assert n["T"] == pytest.approx(2.5, rel=0.1)  # the generating factor, from 2000 held-out examples
    assert n["before"]["accuracy"] == n["after"]["accuracy"]
    assert n["after"]["ece"] < 0.5 * n["before"]["ece"] and n["after"]["nll"] < n["before"]["nll"]


def test_label_smoothing_floor_and_gap() -> None:
    floor, gap = label_smoothing.closed_form(0.1, 10)
    assert round(floor, 3) == 0.500 and gap == pytest.approx(math.log(91)) and round(gap, 2) == 4.51
    loss, measured_gap = label_smoothing.optimum(0.1, 10)  # L-BFGS on ref.losses.cross_entropy
    assert loss == pytest.approx(floor, abs=1e-6) and measured_gap == pytest.approx(gap, abs=1e-4)
