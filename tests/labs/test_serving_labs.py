"""kv-cache-serving/* and llm-quantization/bits-vs-speed: the roofline arithmetic and the batching simulation."""

import pytest

from mldrill.labs import batching, roofline


def test_roofline_card_numbers() -> None:
    n = roofline.run(context=8192, prompt=2000).numbers
    assert round(n["weight_gb"], 2) == 16.06 and round(n["ms_per_token_b1"], 1) == 4.8
    assert round(n["tokens_per_s_b1"]) == 209 and round(n["ridge"]) == 295
    assert round(n["flops_per_token_us"]) == 16
    assert n["kv_bytes_per_token"] == 131_072 and n["kv_gib_per_seq"] == 1.0
    assert round(n["int4_speedup_ceiling"], 2) == 3.88 and round(n["prefill_tflops"], 1) == 32.1
    step = dict(zip(n["batches"], n["step_ms"], strict=True))
    # at batch 16 the 16 GiB of KV reads about equal the 16.06 GB of weights: the step time roughly doubles
    assert step[16] == pytest.approx(2 * step[1], rel=0.1)
    assert pytest.approx(17.2, abs=0.05) == 16 * 2**30 / 1e9


def test_continuous_batching_wins_on_mixed_lengths_only() -> None:
    n = batching.run(requests=60, long_every=30, seed=0).numbers
    for _b, s_steps, c_steps, s_done, c_done in n["rows"]:
        assert c_steps <= s_steps and c_done <= s_done
    b32 = next(r for r in n["rows"] if r[0] == 32)
    assert b32[4] < 0.5 * b32[3]  # mean completion at least halved
    assert n["single"]["static"] == n["single"]["continuous"] == 500
