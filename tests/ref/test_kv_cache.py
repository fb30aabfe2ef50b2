"""KV-cache size formula (M30) and buffer behaviour."""

import pytest
import torch

from mldrill.ref.kv_cache import KVCache, kv_cache_bytes


def test_llama3_8b_kv_cache_is_128_kib_per_token_and_1_gib_at_8k_M30():
    assert kv_cache_bytes(32, 8, 128, 1, 2) == 131_072 == 128 * 1024
    assert kv_cache_bytes(32, 8, 128, 8192, 2) == 2**30
    assert kv_cache_bytes(32, 32, 128, 8192, 2) == 4 * 2**30  # query heads instead of KV heads: the 4 GB error
    assert kv_cache_bytes(32, 8, 128, 8192, 1, batch=4) == 2 * 2**30  # int8, batch 4


def test_formula_equals_the_buffers_own_size():
    c = KVCache(n_layer=3, batch_size=2, n_kv_head=4, head_dim=8, max_len=10, dtype=torch.bfloat16)
    assert c.nbytes == kv_cache_bytes(3, 4, 8, 10, 2, batch=2)


def test_update_appends_and_overflow_is_an_error():
    c = KVCache(n_layer=1, batch_size=1, n_kv_head=1, head_dim=2, max_len=3)
    k1 = torch.ones(1, 1, 2, 2)
    k, v = c.update(0, k1, 2 * k1)
    c.advance(2)
    assert k.shape == (1, 1, 2, 2) and torch.equal(v, 2 * k1)
    k, _ = c.update(0, 3 * torch.ones(1, 1, 1, 2), torch.zeros(1, 1, 1, 2))
    assert k[0, 0, :, 0].tolist() == [1.0, 1.0, 3.0]
    c.advance(1)
    with pytest.raises(ValueError, match="overflow"):
        c.update(0, k1, k1)


def test_int8_kv_error_is_at_most_half_a_step_and_attention_stays_close():
    from mldrill.ref.attention import sdpa_torch
    from mldrill.ref.kv_cache import dequantize_kv_int8, quantize_kv_int8

    g = torch.Generator().manual_seed(0)
    k, v = torch.randn(2, 3, 16, 8, generator=g), torch.randn(2, 3, 16, 8, generator=g)
    qk, sk = quantize_kv_int8(k)
    assert qk.dtype == torch.int8 and sk.shape == (2, 3, 1, 1)
    assert ((dequantize_kv_int8(qk, sk) - k).abs() <= sk / 2 + 1e-7).all()
    q = torch.randn(2, 3, 4, 8, generator=g)
    out = sdpa_torch(q, dequantize_kv_int8(qk, sk), dequantize_kv_int8(*quantize_kv_int8(v)))
    assert (out - sdpa_torch(q, k, v)).abs().max() < 0.05


def test_reorder_follows_parent_beams():
    c = KVCache(n_layer=1, batch_size=3, n_kv_head=1, head_dim=1, max_len=2)
    k = torch.arange(3.0).view(3, 1, 1, 1)
    c.update(0, k, k)
    c.advance(1)
    c.reorder(torch.tensor([2, 2, 0]))
    assert c.k[0, :, 0, 0, 0].tolist() == [2.0, 2.0, 0.0]
