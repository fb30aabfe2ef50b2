"""lora/param-count and lora/rank-choice: LoRA's error vs rank against the SVD truncation (Eckart–Young) oracle."""

import numpy as np

from mldrill.labs.lora_rank import run, target_update


def svd_truncation(delta: np.ndarray, r: int) -> float:
    """The oracle: build the best rank-r approximation explicitly from numpy's SVD and measure what it misses."""
    u, s, vt = np.linalg.svd(delta, full_matrices=False)
    return float(np.linalg.norm(delta - (u[:, :r] * s[:r]) @ vt[:r]))


def test_error_reaches_the_svd_floor_and_zero_at_the_true_rank() -> None:
    d_in, d_out, r_star = 24, 32, 4
    res = run(true_rank=r_star, max_rank=8, d_in=d_in, d_out=d_out, steps=600, seed=1)
    n = res.numbers
    delta = target_update(d_out, d_in, r_star, seed=1)[0].numpy()
    assert np.linalg.matrix_rank(delta) == r_star
    norm = np.linalg.norm(delta)
    for r, fit, floor in zip(n["ranks"], n["fit"], n["floor"], strict=True):
        oracle = svd_truncation(delta, r) / norm
        assert abs(floor - oracle) < 1e-10, (r, floor, oracle)
        assert fit >= oracle - 1e-9, f"rank {r} beat Eckart–Young: {fit} < {oracle}"  # no rank-r matrix does better
        if r < r_star:
            assert fit < oracle * 1.01 + 1e-6, (r, fit, oracle)  # training finds the floor
            assert oracle > 0.1
        else:
            assert fit < 1e-3, (r, fit)  # the card: from r = r* on, low rank is exact
    # lora/param-count: r (d_in + d_out), linear in r and far below d_in * d_out at small r
    assert n["params"] == [r * (d_in + d_out) for r in n["ranks"]]
    assert res.figures[0].svg.startswith("<svg") and len(res.figures[0].table.rows) == 8


def test_predict_answer_matches_the_floor() -> None:
    delta, _ = target_update(64, 48, 6, seed=0)
    d = delta.numpy()
    share = svd_truncation(d, 3) / np.linalg.norm(d)
    assert 0.44 < share < 0.48  # "about half", 46 %
