"""pass@k and QLoRA memory: the cards' numbers, and pass@k's estimator against a simulation (binomial bound)."""

import math

import pytest

from mldrill.labs import pass_at_k, qlora_memory


def test_pass_at_k_card() -> None:
    n = pass_at_k.run(n=10, c=3, trials=3000, seed=0).numbers
    assert n["unbiased"][0] == pytest.approx(0.3) and round(n["unbiased"][4], 3) == 0.917
    assert n["unbiased"][4] == pytest.approx(1 - math.comb(7, 5) / math.comb(10, 5))
    assert round(n["plug_in"][4], 3) == 0.832 and all(u >= p for u, p in zip(n["unbiased"], n["plug_in"], strict=True))
    assert n["unbiased"][7:] == [1.0, 1.0, 1.0]  # n - c = 7 < k
    for u, s in zip(n["unbiased"], n["simulated"], strict=True):  # 5 sigma of a 3000-draw proportion
        assert abs(u - s) <= 5 * math.sqrt(max(u * (1 - u), 1e-4) / 3000) + 1e-12


def test_qlora_cards() -> None:
    n = qlora_memory.run().numbers
    assert n["bits"]["plain"] == 0.5 and round(n["bits"]["double"], 3) == 0.127
    assert round(n["bits"]["plain"] - n["bits"]["double"], 3) == 0.373
    assert round(0.373 * 65e9 / 8 / 1e9, 1) == 3.0
    rows = {r[0]: r for r in n["rows"]}
    assert rows["65B"][1] == 32.5 and round(rows["65B"][3], 1) == 1.0
    assert (
        rows["70B"][1] == 35 and round(rows["70B"][3], 1) == 1.1 and round(rows["70B"][1] + rows["70B"][3], 1) == 36.1
    )
    assert round(rows["70B"][4]) == 12  # headroom on 48 GB
