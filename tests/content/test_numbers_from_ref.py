"""The numbers the misconception cards state are the ones mldrill.ref computes.

The per-group number tests recompute each card's numbers independently of mldrill.ref (torch, closed forms); this
file ties the headline numbers of the misconception cards to the reference functions that the cards link to, so a
card and its code cannot drift apart.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mldrill.catalog import Card, load_catalog
from mldrill.ref.attention import attention_cost, gqa_params
from mldrill.ref.kv_cache import kv_cache_bytes
from mldrill.ref.lora import lora_params
from mldrill.ref.losses import smooth_targets
from mldrill.ref.numerics import softmax
from mldrill.ref.optim import optimizer_bytes
from mldrill.ref.quantization import quant_constant_bits
from mldrill.ref.rnn import lstm_params
from mldrill.ref.transformer import swiglu_hidden

CARDS = load_catalog().cards


def by_tag(tag: str) -> list[Card]:
    return [c for c in CARDS.values() if tag in c.tags]


def stated(tag: str, text: str) -> None:
    cards = by_tag(tag)
    assert cards, f"no card tagged {tag}"
    assert any(text in c.answer for c in cards), f"{tag}: no card's answer states {text!r} ({[c.id for c in cards]})"


def test_m1_softmax_by_hand() -> None:
    p = softmax(np.array([3.0, 0.0, 0.0]))
    stated("M1", f"[{p[0]:.3f}, {p[1]:.3f}, {p[2]:.3f}]")


def test_m3_label_smoothing_targets() -> None:
    t = smooth_targets(torch.tensor([0]), 10, 0.1)[0]  # eps = 0.1 over K = 10
    stated("M3", f"{t[0].item():.2f}")
    stated("M3", f"{t[1].item():.2f}")


def test_m15_adam_state_for_175b() -> None:
    states = optimizer_bytes(175e9, "adam-states")
    full = optimizer_bytes(175e9, "adam-mixed")
    stated("M15", f"{states / 1e12:.1f} TB")
    stated("M15", f"{full / 1e12:.1f} TB")


def test_m19_lstm_parameter_count() -> None:
    stated("M19", f"{lstm_params(256, 256):,}")
    stated("M19", f"{lstm_params(256, 256, textbook=True):,}")


def test_m20_heads_do_not_change_parameters() -> None:
    counts = {attention_cost(1, 4096, h).params for h in (1, 8, 32, 64)}
    assert len(counts) == 1
    stated("M20", f"{counts.pop():,}")


def test_m25_swiglu_width() -> None:
    stated("M25", f"{swiglu_hidden(4096)}")


def test_m28_llama3_8b_attention_parameters() -> None:
    stated("M28", f"{gqa_params(4096, 32, 8):,}")


def test_m30_llama3_8b_kv_cache() -> None:
    per_token = kv_cache_bytes(32, 8, 128, 1, 2)
    assert per_token == 128 * 1024
    assert kv_cache_bytes(32, 8, 128, 8192, 2) == 2**30
    stated("M30", f"{per_token:,}")


@pytest.mark.parametrize(("double", "text"), [(False, "0.5"), (True, "0.127")])
def test_m34_quantization_constant_bits(double: bool, text: str) -> None:
    assert round(quant_constant_bits(64, double_quant=double), 3) == float(text)
    stated("M34", text)


def test_lora_parameter_count_for_a_4096_square_matrix() -> None:
    n = lora_params(4096, 4096, 16)
    assert any(f"{n:,}" in c.answer for c in CARDS.values() if c.id.startswith("lora/"))
