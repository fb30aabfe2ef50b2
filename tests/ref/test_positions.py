"""Positional encodings: closed forms, RoPE vs HF Llama, ALiBi vs HF BLOOM."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import LlamaConfig
from transformers.models.bloom.modeling_bloom import build_alibi_tensor
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding, apply_rotary_pos_emb

from mldrill.ref.attention import causal_mask
from mldrill.ref.positions import (
    alibi_bias,
    alibi_slopes,
    apply_rope,
    interleaved_to_half_permutation,
    learned_pe,
    sinusoidal_pe,
)

D = torch.float64


def test_sinusoidal_pe_closed_form():
    pe = sinusoidal_pe(50, 8)
    for p in (0, 1, 7, 49):
        for i in range(4):
            w = 1.0 / 10000 ** (2 * i / 8)
            assert pe[p, 2 * i] == pytest.approx(math.sin(p * w), abs=1e-15)
            assert pe[p, 2 * i + 1] == pytest.approx(math.cos(p * w), abs=1e-15)


@pytest.mark.parametrize("k", [1, 3, 10])
def test_sinusoidal_shift_is_a_block_rotation(k):
    d, n = 8, 40
    pe = sinusoidal_pe(n + k, d)
    rot = np.zeros((d, d))
    for i in range(d // 2):
        a = k / 10000 ** (2 * i / d)
        # [sin(x+a), cos(x+a)] = [[cos a, sin a], [-sin a, cos a]] @ [sin x, cos x]
        rot[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = [[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]]
    np.testing.assert_allclose(pe[k:], pe[:n] @ rot.T, atol=1e-12)


def test_learned_pe_cannot_extrapolate():
    emb = learned_pe(16, 8, generator=torch.Generator().manual_seed(0))
    assert emb(torch.arange(16)).shape == (16, 8)
    assert 0.01 < emb.weight.std().item() < 0.03
    with pytest.raises(IndexError):
        emb(torch.tensor([16]))


def test_rope_matches_hf_llama_rotary_embedding():
    cfg = LlamaConfig(hidden_size=32, num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64)
    rot = LlamaRotaryEmbedding(cfg)
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(2, 2, 40, 16, generator=g), torch.randn(2, 2, 40, 16, generator=g)
    pos = torch.arange(40)[None].expand(2, 40)
    cos, sin = rot(q, pos)
    q_ref, k_ref = apply_rotary_pos_emb(q, k, cos, sin)
    torch.testing.assert_close(apply_rope(q, pos, style="half"), q_ref)
    torch.testing.assert_close(apply_rope(k, torch.arange(40), style="half"), k_ref)


@pytest.mark.parametrize("style", ["half", "interleaved"])
def test_rope_preserves_norms_and_depends_only_on_offset(style):
    g = torch.Generator().manual_seed(1)
    q, k = torch.randn(1, 1, 1, 8, dtype=D, generator=g), torch.randn(1, 1, 1, 8, dtype=D, generator=g)

    def score(m: int, n: int) -> torch.Tensor:
        return (apply_rope(q, torch.tensor([m]), style=style) * apply_rope(k, torch.tensor([n]), style=style)).sum()

    torch.testing.assert_close(score(5, 2), score(103, 100), rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(score(0, 7), score(20, 27), rtol=1e-10, atol=1e-12)
    rq = apply_rope(q, torch.tensor([37]), style=style)
    torch.testing.assert_close(rq.norm(), q.norm())
    torch.testing.assert_close(apply_rope(q, torch.tensor([0]), style=style), q)  # position 0 is the identity


def test_rope_pairings_differ_by_a_channel_permutation_M24():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(1, 2, 6, 8, dtype=D, generator=g)
    pos = torch.arange(6)
    perm = interleaved_to_half_permutation(8)
    inter = apply_rope(x, pos, style="interleaved")
    half = apply_rope(x, pos, style="half")
    assert not torch.allclose(inter, half)
    torch.testing.assert_close(inter[..., perm], apply_rope(x[..., perm], pos, style="half"))


def test_rope_rejects_odd_head_size_and_unknown_style():
    with pytest.raises(ValueError, match="even"):
        apply_rope(torch.zeros(1, 1, 2, 3), torch.arange(2))
    with pytest.raises(ValueError, match="style"):
        apply_rope(torch.zeros(1, 1, 2, 4), torch.arange(2), style="gptj")  # type: ignore[arg-type]


@pytest.mark.parametrize("h", [1, 2, 4, 8, 16])
def test_alibi_slopes_powers_of_two_closed_form(h):
    torch.testing.assert_close(alibi_slopes(h), torch.tensor([2.0 ** (-8 * k / h) for k in range(1, h + 1)], dtype=D))


@pytest.mark.parametrize("h", [1, 3, 4, 5, 6, 12, 16, 20])
def test_alibi_slopes_match_bloom_including_non_powers_of_two(h):
    alibi = build_alibi_tensor(torch.ones(1, 4, dtype=torch.long), h, torch.float64)  # (h, 1, 4) = m_k * j
    torch.testing.assert_close(alibi[:, 0, 1], alibi_slopes(h), rtol=1e-6, atol=0)  # BLOOM computes in fp32


@settings(max_examples=20, deadline=None)
@given(h=st.integers(1, 12), n=st.integers(1, 8), seed=st.integers(0, 1000))
def test_alibi_bias_gives_bloom_attention_weights(h, n, seed):
    scores = torch.randn(h, n, n, dtype=D, generator=torch.Generator().manual_seed(seed))
    m = causal_mask(n)
    ours = torch.softmax((scores + alibi_bias(h, n)).masked_fill(m, float("-inf")), -1)
    bloom = build_alibi_tensor(torch.ones(1, n, dtype=torch.long), h, torch.float64)  # (h, 1, n): +m_k j
    theirs = torch.softmax((scores + bloom).masked_fill(m, float("-inf")), -1)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-7)  # slopes agree to fp32 precision


def test_alibi_bias_penalises_distance_not_direction():
    b = alibi_bias(2, 4)
    assert b[0, 3, 0] == -alibi_slopes(2)[0] * 3
    assert (b.diagonal(dim1=-2, dim2=-1) == 0).all()


def test_linear_rope_scaling_matches_hf_linear_rope_type():
    cfg = LlamaConfig(
        hidden_size=32,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=64,
        rope_parameters={"rope_type": "linear", "factor": 4.0, "rope_theta": 10000.0},
    )
    rot = LlamaRotaryEmbedding(cfg)
    q = torch.randn(1, 2, 30, 16, generator=torch.Generator().manual_seed(0))
    pos = torch.arange(30)[None]
    cos, sin = rot(q, pos)
    q_ref, _ = apply_rotary_pos_emb(q, q, cos, sin)
    torch.testing.assert_close(apply_rope(q, pos, scaling="linear", factor=4.0), q_ref)
    torch.testing.assert_close(apply_rope(q, pos * 4, scaling="linear", factor=4.0), apply_rope(q, pos))


def test_ntk_scaling_keeps_fastest_pair_and_interpolates_slowest():
    from mldrill.ref.positions import rope_angles

    pos = torch.arange(10)
    plain = rope_angles(pos, 16)
    ntk = rope_angles(pos, 16, scaling="ntk", factor=8.0)
    torch.testing.assert_close(ntk[:, 0], plain[:, 0])  # the fastest-rotating pair is untouched
    torch.testing.assert_close(ntk[:, -1], plain[:, -1] / 8.0)  # the slowest is interpolated by the factor


def test_yarn_rope_matches_hf_yarn_rope_type():
    cfg = LlamaConfig(
        hidden_size=64,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=128,
        rope_parameters={
            "rope_type": "yarn",
            "factor": 4.0,
            "original_max_position_embeddings": 32,
            "rope_theta": 10000.0,
        },
    )
    rot = LlamaRotaryEmbedding(cfg)
    q = torch.randn(1, 2, 100, 32, generator=torch.Generator().manual_seed(0))
    pos = torch.arange(100)[None]
    cos, sin = rot(q, pos)
    q_ref, _ = apply_rotary_pos_emb(q, q, cos, sin)
    ours = apply_rope(q, pos, scaling="yarn", factor=4.0, original_max_len=32)
    torch.testing.assert_close(ours, q_ref)
    with pytest.raises(ValueError, match="original_max_len"):
        apply_rope(q, pos, scaling="yarn", factor=4.0)
