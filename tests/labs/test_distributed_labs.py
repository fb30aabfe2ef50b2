"""parallelism-memory/zero-memory and /pipeline-bubble: the cards' numbers from the labs."""

import pytest

from mldrill.labs import pipeline_bubble, zero_memory


def test_zero_card_numbers() -> None:
    at64 = zero_memory.run().numbers["at_64"]
    assert at64["DDP"] == pytest.approx(120)  # (2 + 2 + 12) * 7.5e9 bytes: over an 80 GB GPU
    assert at64["ZeRO-1"] == pytest.approx(30 + 90 / 64) and round(at64["ZeRO-1"], 1) == 31.4
    assert round(at64["ZeRO-2"], 1) == 16.6 and round(at64["ZeRO-3"], 1) == 1.9
    gb = zero_memory.run(max_gpus=4096).numbers["gb"]
    assert len(set(gb["DDP"])) == 1 and gb["ZeRO-1"][-1] > 30 and gb["ZeRO-3"][-1] < 0.03  # only ZeRO-3 keeps falling


def test_bubble_card_numbers() -> None:
    n = pipeline_bubble.run(stages=4, micro_batches=4).numbers
    by_m = dict(zip(n["m"], n["simulated"], strict=True))
    assert round(by_m[4], 3) == 0.429 and round(by_m[16], 3) == 0.158 and round(by_m[32], 3) == 0.086
    assert n["formula"] == pytest.approx(n["simulated"])
    assert by_m[16] < 0.16  # m = 4p
