"""The init cards, asserted on the lab's per-layer profiles (reduced depth and width) and on independent oracles:
the halving per ReLU layer, and the tanh fixed point q* = 2 E[tanh(sqrt(q*) z)^2] by Gauss-Hermite quadrature."""

import math

import numpy as np

from mldrill.labs.init_variance import closed_forms, profile, run

DEPTH, WIDTH, BATCH = 30, 128, 64


def _p(init: str, act: str) -> dict[str, list[float]]:
    return profile(init, act, depth=DEPTH, width=WIDTH, batch=BATCH, seed=0)


def test_relu_xavier_halves_the_variance_per_layer_and_he_keeps_it() -> None:
    r = run(activation="relu", depth=DEPTH, width=WIDTH, batch=BATCH, seed=0)
    ratio = r.numbers["std_ratio"]
    # ReLU halves the second moment: std falls by sqrt(2) per layer under Xavier (= LeCun for square layers).
    assert abs(math.log2(ratio["Xavier"]) + (DEPTH - 1) / 2) < 1.5, ratio["Xavier"]
    assert math.isclose(ratio["LeCun"], ratio["Xavier"], rel_tol=1e-9)  # Var 1/n both for square layers
    assert 0.5 < ratio["He"] < 2  # flat
    assert ratio["N(0,1)"] > 1e20  # explodes: (n/2)^(1/2) per layer
    g = r.numbers["grad_ratio"]  # first / last layer gradient norm
    assert 0.3 < g["He"] < 3
    # Xavier + ReLU: dL/dW_l = delta_l h_(l-1)^T, one factor shrinking each way, so the weight gradients are flat
    # across depth but ~2^-(L-1)/2 of He's everywhere: the early layers (and all the others) barely move.
    prof = r.numbers["profiles"]
    assert max(prof["Xavier"]["grad"]) < 1e-3 * min(prof["He"]["grad"])
    assert r.figures[0].table.rows[0][0] == "N(0,1)"


def test_he_with_tanh_settles_at_the_fixed_point_short_of_saturation() -> None:
    z, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    q = 1.0
    for _ in range(200):  # q = 2 E[tanh(sqrt(q) z)^2]: He's gain 2 on a tanh layer
        q = 2 * float((w * np.tanh(np.sqrt(q) * z) ** 2).sum())
    p = _p("He", "tanh")
    assert abs(np.mean(p["std"][-10:]) - math.sqrt(q)) < 0.05 * math.sqrt(q)
    assert abs(np.mean(p["mean_abs"][-10:]) - float((w * np.abs(np.tanh(np.sqrt(q) * z))).sum())) < 0.03
    assert np.mean(p["mean_abs"][-10:]) < 0.6  # not pinned at +-1
    assert p["grad"][0] > p["grad"][-1]  # gradients grow toward the input, they do not vanish
    n01 = _p("N(0,1)", "tanh")
    assert np.mean(n01["mean_abs"][-10:]) > 0.9  # N(0, 1): units pinned at +-1


def test_sigmoid_gradients_vanish_toward_the_input() -> None:
    p = _p("Xavier", "sigmoid")
    per_layer = (p["grad"][0] / p["grad"][-1]) ** (1 / (DEPTH - 1))
    assert per_layer < 0.3  # sigma' <= 1/4 per layer, weights near unit gain
    assert p["grad"][0] / p["grad"][-1] < 1e-12


def test_card_arithmetic() -> None:
    c = closed_forms()
    assert f"{c['sigmoid_10']:.2g}" == "9.5e-07" and f"{c['sigmoid_20']:.2g}" == "9.1e-13"
    assert f"{c['xavier_relu_std_50']:.2g}" == "3e-08"
    assert round(100 * c["gain_0.9_50"], 1) == 0.5 and round(c["gain_1.1_50"]) == 117
    assert c["sigmoid_prime_at_5"] < 0.007
