"""scaling-laws/params-vs-flops: its numbers, each from an independent count (torch's FLOP counter, a real module's
parameters, ref.moe.moe_params which tests/ref/test_moe.py checks against a real Mixtral-shaped module)."""

from __future__ import annotations

import pytest

from mldrill.catalog import load_catalog

torch = pytest.importorskip("torch")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402 - only once importorskip found torch

CARD = load_catalog().cards["scaling-laws/params-vs-flops"]


def _flops(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


def test_a_3x3_convolution_uses_each_weight_at_every_position() -> None:
    conv = torch.nn.Conv2d(64, 64, 3, padding=1, bias=False)
    x = torch.randn(1, 64, 56, 56)
    weights, flops = sum(p.numel() for p in conv.parameters()), _flops(lambda: conv(x))
    assert weights == 36_864 and "36,864 weights" in CARD.answer
    assert round(flops / 1e6) == 231 and "about 231 MFLOPs" in CARD.answer
    assert flops == 2 * weights * 56 * 56  # one multiply-add per weight per position


def test_attention_over_the_context_costs_4nd_per_token_without_weights() -> None:
    n, d = 1000, 64
    q, k, v = torch.randn(1, 1, 1, d), torch.randn(1, 1, n, d), torch.randn(1, 1, n, d)
    flops = _flops(lambda: torch.softmax(q @ k.transpose(-1, -2), -1) @ v)  # one new token over n of context
    assert flops == 4 * n * d and "$4 n d$ FLOPs" in CARD.answer


def test_mixtral_stores_467b_and_computes_like_129b() -> None:
    from mldrill.ref.moe import moe_params

    n = moe_params(d=4096, d_ff=14336, E=8, k=2, n_layer=32, vocab=32000, n_head=32, n_kv_head=8)
    assert round(n["total"] / 1e9, 1) == 46.7 and round(n["active"] / 1e9, 1) == 12.9
    assert "46.7B" in CARD.answer and "12.9B" in CARD.answer
    assert round(2 * n["active"] / 1e9) == 26  # 2 FLOPs per active weight, the lookup included


def test_a_dense_forward_is_about_2n_flops_per_token() -> None:
    mlp = torch.nn.Sequential(torch.nn.Linear(256, 1024), torch.nn.GELU(), torch.nn.Linear(1024, 256))
    weights = sum(m.weight.numel() for m in mlp if isinstance(m, torch.nn.Linear))
    tokens = torch.randn(8, 256)
    assert _flops(lambda: mlp(tokens)) == 2 * weights * 8


def test_mixtral_forward_is_25_5_gflops_without_the_embedding_lookup() -> None:
    """The input embedding is a lookup (no FLOPs): 2 x (active - vocab x d) is 25.5 GFLOPs, not 26, and the figure
    excludes attention over the context (4nd per layer, context-dependent)."""
    from mldrill.ref.moe import moe_params

    n = moe_params(d=4096, d_ff=14336, E=8, k=2, n_layer=32, vocab=32000, n_head=32, n_kv_head=8)
    assert round(2 * (n["active"] - 32000 * 4096) / 1e8) == 255 and "about 25.5 GFLOPs" in CARD.answer
    assert "without the embedding lookup or attention" in CARD.answer


def test_the_mixtral_source_does_not_put_the_unrounded_counts_in_the_paper() -> None:
    # The paper (abstract, §2) says 47B and 13B; 46.7B / 12.9B come from the release post and the config count.
    mixtral = next(s for s in CARD.sources if "Mixtral" in s)
    assert "47B" in mixtral and "13B" in mixtral and "release" in mixtral
