"""sgd-momentum/quadratic-stability: the stability limit, both contraction rates and the heavy-ball stability
condition eta * lambda < 2 (1 + mu), each checked by running mldrill.ref.optim on the quadratic."""

import math

import numpy as np
import pytest

from mldrill.labs.optimizer_paths import rates, run, trajectory


def test_card_numbers() -> None:
    r = rates(100.0)
    assert r["gd_best_lr"] == pytest.approx(2 / 101) and round(r["gd_rate"], 3) == 0.980
    assert round(r["hb_rate"], 3) == 0.818
    assert (
        round(math.log(1000) / -math.log(r["gd_rate"])) == 345 and round(math.log(1000) / -math.log(r["hb_rate"])) == 34
    )


def test_measured_rates_and_the_limit() -> None:
    n = run(kappa=100.0, lr_scale=1.05, steps=200).numbers
    assert n["measured"]["GD best η"] == pytest.approx(0.980, abs=0.002)
    # heavy ball at the critical tuning: rate sqrt(mu) up to a polynomial factor; within 2 % over 100 steps
    assert n["measured"]["heavy ball (tuned)"] == pytest.approx(0.818, abs=0.02)
    gd_above = next(k for k in n["final"] if k.startswith("GD η"))
    assert n["final"][gd_above] > 1e3  # 5 % above 2/lambda_max: diverges
    below = run(kappa=100.0, lr_scale=0.95, steps=200).numbers["final"]
    assert below[next(k for k in below if k.startswith("GD η"))] < 1.0


@pytest.mark.parametrize("mu", [0.0, 0.5, 0.9])
def test_heavy_ball_stable_iff_lr_lambda_below_2_1_plus_mu(mu: float) -> None:
    for f, stable in ((0.97, True), (1.03, False)):
        lr = f * 2 * (1 + mu)  # lambda = 1
        e = np.abs(trajectory("sgd", np.array([1.0]), np.array([1.0]), 600, lr=lr, momentum=mu)[:, 0])
        assert (e[-1] < e[0]) == stable, (mu, f, e[-1])
