"""kv-cache-serving/what-is-kv-cache: cached decoding gives the same tokens and logits as recomputing the prefix, and
its FLOPs per step are 1/t of the uncached step's (ref.scaling.decode_step_flops is checked against FlopCounterMode in
tests/ref/test_scaling.py)."""

import pytest

from mldrill.labs.kv_cache_speedup import VOCAB, run


def test_same_outputs_and_the_closed_form_flop_ratio() -> None:
    P, n, L, d = 8, 96, 2, 64
    res = run(new_tokens=n, prompt=P, n_layer=L, n_embd=d, seed=2)
    num = res.numbers
    assert num["same_tokens"] and num["max_logit_diff"] < 1e-4
    for t, fc, fn in zip(num["context"][1:], num["flops_cache"][1:], num["flops_nocache"][1:], strict=True):
        assert fn == t * fc  # per step the ratio is exactly the context length
    # Over the run: no cache = sum_{t=P}^{P+n-1} (a t + b t^2); cache = the prefill (a P + b P^2) plus
    # sum_{t=P+1}^{P+n-1} (a + b t), with a = 24 L d^2 + 2 d V and b = 4 L d. Faulhaber's sums:
    a, b = 24 * L * d * d + 2 * d * VOCAB, 4 * L * d

    def s1(m: int) -> int:
        return m * (m + 1) // 2

    def s2(m: int) -> int:
        return m * (m + 1) * (2 * m + 1) // 6

    hi = P + n - 1
    nocache = a * (s1(hi) - s1(P - 1)) + b * (s2(hi) - s2(P - 1))
    cache = a * P + b * P * P + a * (n - 1) + b * (s1(hi) - s1(P))
    assert num["flop_ratio_total"] == pytest.approx(nocache / cache, rel=1e-12)
    assert num["time_ratio"] > 1.5  # timings are shown; only the direction is asserted (FLOP ratio here ~ 50)
    assert res.figures[0].svg.startswith("<svg")


def test_the_card_states_the_per_step_costs_the_lab_measures() -> None:
    from mldrill.catalog import get_catalog

    answer = get_catalog().cards["kv-cache-serving/what-is-kv-cache"].answer
    assert "$O(d^2 + nd)$ per layer" in answer and "$O(nd^2 + n^2 d)$" in answer and "factor of about $n$" in answer
