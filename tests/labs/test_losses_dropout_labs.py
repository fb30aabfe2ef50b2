"""numerics/ce-vs-mse and dropout/variance-shift, asserted on the labs' numbers."""

import pytest

from mldrill.labs import loss_landscape, variance_shift


def test_ce_vs_mse_at_margin_minus_10() -> None:
    n = loss_landscape.run(worst_margin=-10.0).numbers
    assert round(n["ce_grad"], 3) == -1.000
    assert n["mse_grad"] == pytest.approx(-9.1e-5, rel=0.01)
    assert round(n["ce_grad"] / n["mse_grad"], -3) == 11_000


def test_variance_shift() -> None:
    n = variance_shift.run(n=40_000, width=8, seed=0).numbers
    by_p = dict(zip(n["p"], n["ratio"], strict=True))
    # 320k draws per estimate: the variance ratio's std is about sqrt(2 / 320k) * ratio < 0.006; 3 % is > 5 sigma
    assert by_p[0.5] == pytest.approx(2.0, rel=0.03) and by_p[0.1] == pytest.approx(1.111, rel=0.03)
    for p, v in zip(n["p"], n["bn_eval_var"], strict=True):
        assert v == pytest.approx(1 - p, rel=0.03, abs=0.01)
