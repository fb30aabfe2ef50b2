"""Cost and scaling calculators vs closed forms and torch's FlopCounterMode."""

import math

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from mldrill.ref.attention import MultiHeadAttention, attention_cost, causal_mask
from mldrill.ref.gpt import GPT, GPTConfig
from mldrill.ref.scaling import (
    chinchilla_allocation,
    chinchilla_loss,
    chinchilla_optimal,
    forward_flops_per_layer,
    training_flops,
    vocab_cost,
)
from mldrill.ref.transformer import Block


def counted_flops(fn) -> int:
    with FlopCounterMode(display=False) as fc:
        fn()
    return fc.get_total_flops()


@pytest.mark.parametrize("n,d,h", [(16, 32, 4), (9, 24, 3), (32, 16, 1)])
def test_layer_flops_equal_torch_flop_counter(n, d, h):
    block = Block(d, h, norm_first=True, bias=False)
    x = torch.randn(1, n, d)
    assert counted_flops(lambda: block(x, causal_mask(n))) == forward_flops_per_layer(n, d)


@pytest.mark.parametrize("h", [1, 2, 4, 8])
def test_attention_flops_equal_torch_flop_counter_for_any_head_count_M20(h):
    n, d = 12, 32
    mha = MultiHeadAttention(d, h)
    assert counted_flops(lambda: mha(torch.randn(2, n, d))) == 2 * attention_cost(n, d, h).flops


def test_chinchilla_compute_optimal():
    opt = chinchilla_optimal(5.76e23)  # Chinchilla's budget
    assert opt.n_tokens == pytest.approx(20 * opt.n_params)
    assert training_flops(opt.n_params, opt.n_tokens) == pytest.approx(5.76e23)
    assert opt.n_params == pytest.approx(math.sqrt(5.76e23 / 120))
    assert 60e9 < opt.n_params < 75e9  # ~70B, the Chinchilla model


@pytest.mark.parametrize("compute,r", [(5.76e23, 20.0), (1e21, 20.0), (3.15e23, 5.0), (1e19, 100.0)])
def test_chinchilla_allocation_spends_the_budget_at_the_ratio(compute, r):
    n, d = chinchilla_allocation(compute, tokens_per_param=r)
    assert 6 * n * d == pytest.approx(compute, rel=1e-12)  # C = 6 N D
    assert d / n == pytest.approx(r, rel=1e-12)  # D = r N
    assert n == pytest.approx(math.sqrt(compute / (6 * r)), rel=1e-12)


def test_chinchilla_loss_formula_and_monotonicity():
    assert chinchilla_loss(70e9, 1.4e12) == pytest.approx(1.69 + 406.4 / 70e9**0.34 + 410.7 / 1.4e12**0.28)
    assert chinchilla_loss(1e9, 1e11) > chinchilla_loss(1e10, 1e11) > chinchilla_loss(1e10, 1e12) > 1.69


def test_vocab_cost_matches_a_gpt():
    cfg = GPTConfig(block_size=8, vocab_size=100, n_layer=1, n_head=2, n_embd=16)
    tied, untied = GPT(cfg), GPT(GPTConfig(**{**cfg.__dict__, "tie_weights": False}))
    assert untied.num_params() - tied.num_params() == vocab_cost(100, 16, tied=False) - vocab_cost(100, 16)
