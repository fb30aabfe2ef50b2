"""ngram-lm-perplexity/add-k-vocab and lr-schedules/lr-range-test on the labs' numbers."""

import pytest

from mldrill.labs import addk_perplexity, lr_range_test


def test_addk_card_and_u_shape() -> None:
    n = addk_perplexity.run(area="moe", heldout_pct=20, seed=0).numbers
    c = n["card"]
    assert c["mle"] == 0.3 and c["add_one"] == pytest.approx(4 / 1010) and round(c["add_one"], 5) == 0.00396
    assert round(c["mle"] / c["add_one"]) == 76 and c["add_one_V1002"] == pytest.approx(4 / 1012)
    ppl = n["ppl"]
    best = ppl.index(min(ppl))
    assert 0 < best < len(ppl) - 1 and ppl[0] > 1.5 * min(ppl) and ppl[-1] > 1.5 * min(ppl)


def test_range_test_explodes_just_past_the_stability_limit() -> None:
    n = lr_range_test.run(steps=300, features=10, seed=0).numbers
    assert n["lr_end"] > n["lr_min"] > n["limit"]  # the curve's minimum is already past 2 / lambda_max
    assert n["lr_min"] / 10 < n["limit"]  # 10x below the minimum is stable
    assert 1e-4 < n["lr_steep"] < n["lr_min"]
