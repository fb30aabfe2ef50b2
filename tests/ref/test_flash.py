"""Tiled flash attention equals plain attention (allclose, not bitwise: M26) with O(T * tile) peak memory."""

import tracemalloc

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.attention import sdpa
from mldrill.ref.flash import flash_attention


def qkv(T, S=None, hs=8, seed=0, batch=(2, 3)):
    rng = np.random.default_rng(seed)
    S = T if S is None else S
    return (
        rng.standard_normal((*batch, T, hs)),
        rng.standard_normal((*batch, S, hs)),
        rng.standard_normal((*batch, S, hs)),
    )


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize(
    "T,S,bq,bk", [(64, 64, 16, 16), (50, 50, 16, 7), (33, 70, 8, 32), (1, 9, 4, 4), (70, 70, 128, 128)]
)
def test_flash_equals_torch_sdpa(causal, T, S, bq, bk):
    q, k, v = qkv(T, S)
    out = flash_attention(q, k, v, block_q=bq, block_k=bk, causal=causal)
    tq, tk, tv = (torch.from_numpy(x) for x in (q, k, v))
    if causal:  # bottom-right aligned causal mask (query i sees keys j <= i + S - T)
        mask = torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)
        ref = F.scaled_dot_product_attention(tq, tk, tv, attn_mask=mask)
    else:
        ref = F.scaled_dot_product_attention(tq, tk, tv)
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(
    T=st.integers(1, 40), bq=st.integers(1, 16), bk=st.integers(1, 16), causal=st.booleans(), seed=st.integers(0, 99)
)
def test_flash_equals_plain_on_random_tiles(T, bq, bk, causal, seed):
    q, k, v = qkv(T, hs=4, seed=seed, batch=(1,))
    mask = np.triu(np.ones((T, T), dtype=bool), 1) if causal else None
    np.testing.assert_allclose(
        flash_attention(q, k, v, block_q=bq, block_k=bk, causal=causal), sdpa(q, k, v, mask), rtol=1e-10, atol=1e-12
    )


def test_flash_is_exact_math_but_not_bitwise_M26():
    q, k, v = qkv(256, hs=16, seed=3, batch=(1,))
    a, b = flash_attention(q, k, v, block_q=32, block_k=32), sdpa(q, k, v)
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert not np.array_equal(a, b)  # different summation order: compare with allclose, never ==


def test_flash_is_stable_for_huge_scores():
    q, k, v = qkv(20, hs=4, seed=1, batch=(1,))
    out = flash_attention(q * 1e3, k * 1e3, v, block_q=4, block_k=4)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, sdpa(q * 1e3, k * 1e3, v), rtol=1e-9, atol=1e-12)


def peak_bytes(fn) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_peak_memory_is_linear_in_T_not_quadratic():
    hs, tile = 8, 32
    peaks = {}
    for T in (256, 512):
        q, k, v = qkv(T, hs=hs, batch=(1,))
        peaks[T] = (
            peak_bytes(lambda q=q, k=k, v=v: flash_attention(q, k, v, block_q=tile, block_k=tile)),
            peak_bytes(lambda q=q, k=k, v=v: sdpa(q, k, v)),
        )
    (f1, p1), (f2, p2) = peaks[256], peaks[512]
    assert p1 >= 256 * 256 * 8  # plain attention holds at least one T x T float64 matrix
    assert f2 < 0.1 * p2  # flash: output + tiles only
    assert f2 / f1 < 2.6  # doubling T about doubles flash's peak (O(T hs + tile^2))
    assert p2 / p1 > 3.5  # and quadruples plain attention's (O(T^2))
