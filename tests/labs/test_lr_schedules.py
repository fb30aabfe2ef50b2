"""lr-schedules/cosine, /onecycle-defaults and /noam-peak on the lab's numbers."""

import pytest

from mldrill.labs.lr_schedules import run


def test_card_numbers() -> None:
    c = run(total=1000, warmup_pct=4, peak=1e-3).numbers["card"]
    assert round(c["cosine_quarter"], 3) == 0.854 and round(c["cosine_three_quarters"], 3) == 0.146
    assert c["onecycle_start"] == pytest.approx(4e-5)
    assert 295 <= c["onecycle_peak_step"] <= 300  # at 30 % of the run
    assert c["onecycle_end"] == pytest.approx(4e-9, rel=1e-6)
    assert round(c["noam_peak"], 5) == 0.0007 and c["noam_peak"] == pytest.approx((512 * 4000) ** -0.5)
    assert abs(c["noam_argmax"] - 4000) <= 50
