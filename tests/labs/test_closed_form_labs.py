"""Labs whose claims are arithmetic: each card's numbers recomputed from the lab's output."""

import math

import pytest

from mldrill.labs import attention_cost, chinchilla_isoflop, kv_cache_memory


def test_kv_capacity_card() -> None:
    cap = kv_cache_memory.run().numbers["capacity"]
    assert cap["GQA, 8 KV heads"]["bf16"] == 60 and cap["MHA, 32 KV heads"]["bf16"] == 15
    assert cap["GQA, 8 KV heads"]["8-bit"] == 120
    assert kv_cache_memory.run(seq_len=1024).numbers["capacity"]["GQA, 8 KV heads"]["bf16"] == 480
    assert kv_cache_memory.run(seq_len=131072).numbers["capacity"]["GQA, 8 KV heads"]["bf16"] == 3
    rows = kv_cache_memory.run().numbers["rows"]
    assert rows[2][2] == 131072 and rows[2][3] == 1.0  # 128 KiB per token, 1 GiB per 8k sequence


def test_attention_cost_cards() -> None:
    n = attention_cost.run(d=4096, n_head=32).numbers
    share = dict(zip(n["n"], n["share"], strict=True))
    assert n["crossover"] == 24576 and share[16384] < 0.5 < share[32768]
    assert round(share[4096], 2) == 0.14
    assert n["score_gib"][n["n"].index(8192)] == 4.0  # 8192^2 * 32 heads * 2 bytes
    gpt2 = attention_cost.run(d=768, n_head=12).numbers
    assert round(dict(zip(gpt2["n"], gpt2["share"], strict=True))[1024], 2) == 0.18
    assert pytest.approx(14.5, abs=0.05) == 24 * 1024 * 768**2 / 1e9


def test_chinchilla_card() -> None:
    n = chinchilla_isoflop.run(log10_flops=math.log10(5.76e23)).numbers
    assert n["rule_n"] == pytest.approx(69.3e9, rel=0.01) and n["rule_d"] == pytest.approx(1.39e12, rel=0.01)
    assert round(n["loss_chinchilla"], 3) == 1.937 and round(n["loss_gopher"], 3) == 1.993
    # The fit's own minimum: tens of tokens per parameter (not the thousands of "train a small model forever"),
    # rising with C because beta < alpha; at Gopher's budget it sits near 90, well above the rule's 20.
    ratios = [row[2] for row in n["rows"]]
    assert all(20 < r < 150 for r in ratios) and ratios == sorted(ratios)
    best = next(row for row in n["rows"] if float(row[0]) == pytest.approx(5.76e23, rel=1e-3))
    assert best[1] == pytest.approx(32.2e9, rel=0.03) and best[2] == pytest.approx(92.6, rel=0.03)  # the card's 32B, 93
