"""ppo_dpo_curves, noise_schedules and kl_direction: the cards' claims on the labs' numbers."""

import math

import pytest

from mldrill.labs import kl_direction, noise_schedules, ppo_dpo_curves


def test_ppo_dpo() -> None:
    n = ppo_dpo_curves.run(clip_eps=0.2, beta=0.1).numbers
    g = {row[0]: (row[1], row[2]) for row in n["grad_rows"]}
    assert g[1.5] == (0.0, -1.0) and g[0.5] == (1.0, 0.0)  # A>0 flat above 1+eps; A<0 flat below 1-eps
    assert n["dpo_at_0"] == pytest.approx(math.log(2))
    assert round(-math.log(1 / (1 + math.exp(-0.1 * 10))), 3) == 0.313


def test_schedules_card_numbers() -> None:
    n = noise_schedules.run(T=1000, points=200, seed=0).numbers
    assert n["betas_cosine_first"] == pytest.approx(4.1e-5, rel=0.02)
    rows = {r[0]: r for r in n["rows"]}  # t = 1..T as on the cards
    assert rows[1][1] == pytest.approx(0.9999) and round(rows[1][3], 2) == 9.21
    assert round(rows[500][1], 3) == 0.079 and round(rows[500][3], 2) == -2.46 and round(rows[1000][3], 1) == -10.1
    assert rows[1000][2] == pytest.approx(0.0, abs=1e-3)  # cosine: zero terminal SNR up to the beta clip
    lin, cos = n["abar"]["linear"], n["abar"]["cosine"]
    assert cos[499] > 3 * lin[499]  # the cosine schedule keeps more signal at the midpoint
    plain = 1 - math.cos(math.pi / 2 / 1000) ** 2  # the card's β_1 without the offset s
    assert plain == pytest.approx(2.5e-6, rel=0.03) and plain < n["betas_cosine_first"] / 10


def test_forward_kl_matches_moments_reverse_kl_picks_a_mode() -> None:
    n = kl_direction.run(separation=6.0, weight=0.5).numbers
    fwd, rev = n["fits"]["forward KL(P‖Q)"], n["fits"]["reverse KL(Q‖P)"]
    assert fwd["mu"] == pytest.approx(n["p_mean"], abs=1e-3) and fwd["sd"] == pytest.approx(n["p_sd"], rel=1e-3)
    assert abs(abs(rev["mu"]) - 3.0) < 0.1 and rev["sd"] < 1.1  # one mode, about its own width
    assert fwd["sd"] > 2 * rev["sd"]
    close = kl_direction.run(separation=3.0).numbers["fits"]["reverse KL(Q‖P)"]
    assert abs(close["mu"]) < 0.05  # modes 3 sigma apart: one wide Gaussian wins in both directions
