"""Attention and masks vs torch's SDPA and nn.MultiheadAttention (float64)."""

import math

import numpy as np
import pytest
import scipy.special
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.attention import (
    MultiHeadAttention,
    attention_cost,
    causal_mask,
    cross_attention,
    gqa_attention,
    gqa_params,
    head_similarity,
    linear_attention,
    linformer_attention,
    online_softmax,
    packed_mask,
    packed_position_ids,
    padding_mask,
    prefix_lm_mask,
    qk_norm_attention,
    qkv_project,
    sdpa,
    sdpa_fast,
    sdpa_torch,
    sliding_window_mask,
)
from oracles import check_against_torch

D = torch.float64


def rand(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randn(*shape, dtype=D, generator=torch.Generator().manual_seed(seed))


def torch_ref(q, k, v, mask=None):
    # torch's bool mask means "attend": invert ours
    return F.scaled_dot_product_attention(q, k, v, attn_mask=None if mask is None else ~mask)


@pytest.mark.parametrize("T,S,hs", [(1, 1, 1), (5, 5, 4), (3, 7, 8), (8, 2, 16)])
def test_sdpa_forward_backward_matches_torch(T, S, hs):
    check_against_torch(lambda q, k, v: sdpa_torch(q, k, v), torch_ref, [(2, 3, T, hs), (2, 3, S, hs), (2, 3, S, hs)])


def test_sdpa_numpy_matches_torch():
    q, k, v = rand(2, 4, 6, 8, seed=1), rand(2, 4, 9, 8, seed=2), rand(2, 4, 9, 5, seed=3)
    mask = rand(6, 9, seed=4) > 0.5
    mask[:, 0] = False  # keep at least one key per row
    out = sdpa(q.numpy(), k.numpy(), v.numpy(), mask.numpy())
    np.testing.assert_allclose(out, torch_ref(q, k, v, mask).numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "mask_fn",
    [
        lambda: causal_mask(6),
        lambda: sliding_window_mask(6, 3),
        lambda: prefix_lm_mask(6, 2),
        lambda: packed_mask(torch.tensor([[0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 1, 1]])),
        lambda: padding_mask([6, 3], 6),
        lambda: padding_mask([6, 4], 6) | causal_mask(6),
    ],
    ids=["causal", "sliding", "prefix", "packed", "padding", "padding_and_causal"],
)
def test_masked_sdpa_matches_torch_forward_and_backward(mask_fn):
    mask = mask_fn()
    check_against_torch(
        lambda q, k, v: sdpa_torch(q, k, v, mask), lambda q, k, v: torch_ref(q, k, v, mask), [(2, 2, 6, 4)] * 3
    )
    q, k, v = rand(2, 2, 6, 4, seed=5), rand(2, 2, 6, 4, seed=6), rand(2, 2, 6, 4, seed=7)
    torch.testing.assert_close(sdpa_fast(q, k, v, mask), sdpa_torch(q, k, v, mask))


def test_causal_mask_keeps_the_diagonal_M23():
    m = causal_mask(4)
    assert torch.equal(m, torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1))
    assert not m[0, 0] and m[0, 1:].all()  # row 0 sees only itself
    q, k, v = rand(1, 1, 4, 3, seed=1), rand(1, 1, 4, 3, seed=2), rand(1, 1, 4, 3, seed=3)
    out = sdpa_torch(q, k, v, m)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True))
    torch.testing.assert_close(out[0, 0, 0], v[0, 0, 0])


def test_causal_output_unchanged_when_future_changes():
    q, k, v = rand(1, 2, 7, 4, seed=1), rand(1, 2, 7, 4, seed=2), rand(1, 2, 7, 4, seed=3)
    k2, v2 = k.clone(), v.clone()
    k2[..., 4:, :] += 10.0
    v2[..., 4:, :] -= 3.0
    a, b = sdpa_torch(q, k, v, causal_mask(7)), sdpa_torch(q, k2, v2, causal_mask(7))
    torch.testing.assert_close(a[..., :4, :], b[..., :4, :], rtol=0, atol=0)
    assert not torch.allclose(a[..., 4:, :], b[..., 4:, :])


def test_masking_after_softmax_does_nothing_to_normalisation_M21():
    # the wrong order: softmax then zero the blocked weights -> rows no longer sum to 1, output differs
    q, k, v = rand(1, 1, 5, 4, seed=1), rand(1, 1, 5, 4, seed=2), rand(1, 1, 5, 4, seed=3)
    m = causal_mask(5)
    wrong = (torch.softmax(q @ k.transpose(-2, -1) / 2.0, -1).masked_fill(m, 0.0)) @ v
    assert not torch.allclose(wrong, sdpa_torch(q, k, v, m))


def test_minus_1e9_mask_overflows_fp16_but_minus_inf_does_not_M21():
    assert torch.isinf(torch.tensor(-1e9, dtype=torch.float16))  # -1e9 is not representable: -inf after the cast
    s = torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float32)
    m = torch.tensor([[False, True, True]])
    p_inf = torch.softmax(s.masked_fill(m, float("-inf")), -1)
    p_big = torch.softmax(s.masked_fill(m, -1e9), -1)
    torch.testing.assert_close(p_inf, p_big)  # both ~0 weight in fp32
    # with finfo.min a fully masked row silently leaks uniform weight onto masked keys
    leak = torch.softmax(s.masked_fill(torch.ones_like(m), torch.finfo(torch.float32).min), -1)
    torch.testing.assert_close(leak, torch.full((1, 3), 1 / 3))


def test_fully_masked_row_gives_zero_output_and_finite_grads():
    q, k, v = (rand(1, 1, 3, 4, seed=s).requires_grad_() for s in (1, 2, 3))
    mask = torch.zeros(3, 3, dtype=torch.bool)
    mask[1] = True  # query 1 may attend to nothing
    out = sdpa_torch(q, k, v, mask)
    assert torch.equal(out[0, 0, 1], torch.zeros(4, dtype=D))
    torch.testing.assert_close(out, torch_ref(q, k, v, mask))  # torch >= 2.5 also returns 0 there
    (out * rand(1, 1, 3, 4, seed=9)).sum().backward()
    assert all(torch.isfinite(t.grad).all() for t in (q, k, v))
    np_out = sdpa(q.detach().numpy(), k.detach().numpy(), v.detach().numpy(), mask.numpy())
    assert np.isfinite(np_out).all() and (np_out[0, 0, 1] == 0).all()


def test_mask_polarity_differs_between_ours_and_sdpa_M22():
    q, k, v = rand(1, 1, 4, 4, seed=1), rand(1, 1, 4, 4, seed=2), rand(1, 1, 4, 4, seed=3)
    m = causal_mask(4)
    ours = sdpa_torch(q, k, v, m)
    torch.testing.assert_close(ours, F.scaled_dot_product_attention(q, k, v, attn_mask=~m))
    assert not torch.allclose(ours, F.scaled_dot_product_attention(q, k, v, attn_mask=m))


def test_padding_equals_attention_on_the_unpadded_sequence():
    q, k, v = rand(1, 1, 6, 4, seed=1), rand(1, 1, 6, 4, seed=2), rand(1, 1, 6, 4, seed=3)
    out = sdpa_torch(q, k, v, padding_mask([4], 6))
    torch.testing.assert_close(out, sdpa_torch(q, k[..., :4, :], v[..., :4, :]))


def test_packed_mask_equals_per_document_attention():
    doc = torch.tensor([0, 0, 0, 1, 1, 2, 2, 2])
    q, k, v = rand(1, 2, 8, 4, seed=1), rand(1, 2, 8, 4, seed=2), rand(1, 2, 8, 4, seed=3)
    out = sdpa_torch(q, k, v, packed_mask(doc))
    for d in range(3):
        s = doc == d
        ref = sdpa_torch(q[..., s, :], k[..., s, :], v[..., s, :], causal_mask(int(s.sum())))
        torch.testing.assert_close(out[..., s, :], ref)
    assert packed_position_ids(doc).tolist() == [0, 1, 2, 0, 1, 0, 1, 2]


def test_sliding_and_prefix_masks_closed_form():
    sw = sliding_window_mask(5, 2)
    keep = [[int(not b) for b in row] for row in sw.tolist()]
    assert keep == [[1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [0, 1, 1, 0, 0], [0, 0, 1, 1, 0], [0, 0, 0, 1, 1]]
    pl = prefix_lm_mask(4, 2)
    keep = [[int(not b) for b in row] for row in pl.tolist()]
    assert keep == [[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]]


def test_scale_is_sqrt_dk_not_dk():
    q, k, v = rand(1, 1, 3, 16, seed=1), rand(1, 1, 3, 16, seed=2), rand(1, 1, 3, 16, seed=3)
    torch.testing.assert_close(sdpa_torch(q, k, v), torch_ref(q, k, v))
    assert not torch.allclose(sdpa_torch(q, k, v, scale=1 / 16), torch_ref(q, k, v))


@settings(max_examples=25, deadline=None)
@given(T=st.integers(1, 6), S=st.integers(1, 6), hs=st.integers(1, 5), seed=st.integers(0, 2**16), p=st.floats(0, 0.9))
def test_sdpa_random_masks_match_torch(T, S, hs, seed, p):
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(2, 1, n, hs, dtype=D, generator=g) for n in (T, S, S))
    mask = torch.rand(T, S, generator=g) < p  # may contain fully masked rows
    torch.testing.assert_close(sdpa_torch(q, k, v, mask), torch_ref(q, k, v, mask))
    np.testing.assert_allclose(sdpa(q.numpy(), k.numpy(), v.numpy(), mask.numpy()), torch_ref(q, k, v, mask).numpy())


def test_softmax_scores_stay_finite_at_plus_minus_1000():
    q = torch.tensor([[[[1000.0, -1000.0]]]], dtype=D)
    k = torch.tensor([[[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]]], dtype=D)
    v = rand(1, 1, 3, 2)
    out = sdpa(q.numpy(), k.numpy(), v.numpy())
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, torch_ref(q, k, v).numpy())


# ---- MHA


def copy_into_torch_mha(ours: MultiHeadAttention, theirs: torch.nn.MultiheadAttention) -> None:
    with torch.no_grad():
        theirs.in_proj_weight.copy_(torch.cat([ours.q_proj.weight, ours.k_proj.weight, ours.v_proj.weight]))
        theirs.out_proj.weight.copy_(ours.o_proj.weight)


@pytest.mark.parametrize("n_head", [1, 2, 4])
def test_mha_matches_nn_multihead_attention_with_copied_weights(n_head):
    torch.manual_seed(0)
    ours = MultiHeadAttention(8, n_head).double()
    theirs = torch.nn.MultiheadAttention(8, n_head, bias=False, batch_first=True).double()
    copy_into_torch_mha(ours, theirs)
    x = rand(2, 5, 8, seed=1)
    m = causal_mask(5)
    # nn.MultiheadAttention's bool attn_mask also means True = ignore
    torch.testing.assert_close(ours(x, mask=m), theirs(x, x, x, attn_mask=m, need_weights=False)[0])
    kpm = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
    ref = theirs(x, x, x, key_padding_mask=kpm, need_weights=False)[0]
    torch.testing.assert_close(ours(x, mask=padding_mask([5, 3], 5)), ref)


def test_cross_attention_matches_nn_multihead_attention():
    torch.manual_seed(1)
    ours = MultiHeadAttention(8, 2).double()
    theirs = torch.nn.MultiheadAttention(8, 2, bias=False, batch_first=True).double()
    copy_into_torch_mha(ours, theirs)
    y, h = rand(2, 3, 8, seed=1), rand(2, 7, 8, seed=2)
    out = cross_attention(y, h, ours)
    assert out.shape == (2, 3, 8)  # output length = query length
    torch.testing.assert_close(out, theirs(y, h, h, need_weights=False)[0])


@pytest.mark.parametrize("nh,nkv", [(4, 4), (4, 2), (4, 1), (6, 3)])
def test_gqa_matches_sdpa_enable_gqa(nh, nkv):
    check_against_torch(
        lambda q, k, v: gqa_attention(q, k, v, causal_mask(5)),
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True),
        [(2, nh, 5, 4), (2, nkv, 5, 4), (2, nkv, 5, 4)],
    )


def test_gqa_rejects_incompatible_heads():
    with pytest.raises(ValueError, match="multiple"):
        gqa_attention(rand(1, 4, 2, 2), rand(1, 3, 2, 2), rand(1, 3, 2, 2))


def test_permutation_equivariance_without_positions():
    torch.manual_seed(2)
    mha = MultiHeadAttention(8, 2).double()
    x = rand(1, 6, 8, seed=3)
    perm = torch.tensor([3, 0, 5, 1, 4, 2])
    torch.testing.assert_close(mha(x[:, perm]), mha(x)[:, perm])


# ---- costs


@pytest.mark.parametrize("h", [1, 2, 4, 8, 16])
def test_more_heads_do_not_add_params_or_flops_M20(h):
    d, n = 64, 10
    c = attention_cost(n, d, h)
    mha = MultiHeadAttention(d, h)
    assert c.params == sum(p.numel() for p in mha.parameters()) == 4 * d * d
    assert attention_cost(n, d, h, bias=True).params == sum(
        p.numel() for p in MultiHeadAttention(d, h, bias=True).parameters()
    )
    assert c.flops == attention_cost(n, d, 1).flops == 8 * n * d * d + 4 * n * n * d


def test_attention_flops_counted_from_the_matmuls():
    n, d, h = 7, 12, 3
    # each (a, b) @ (b, c) matmul costs 2abc FLOPs: 4 projections, then per head QK^T and AV
    expected = 4 * 2 * n * d * d + h * (2 * n * (d // h) * n + 2 * n * n * (d // h))
    assert attention_cost(n, d, h).flops == expected


def test_gqa_params_llama3_8b_layer_M28():
    d, h, g = 4096, 32, 8
    assert gqa_params(d, h, g) == 4096 * 4096 * 2 + 2 * 4096 * 8 * 128 == 41_943_040  # 33.6M + 8.4M = 41.9M
    assert gqa_params(d, h, h) == 4 * d * d
    mha = MultiHeadAttention(64, 8, n_kv_head=2)
    assert sum(p.numel() for p in mha.parameters()) == gqa_params(64, 8, 2)
    assert sum(p.numel() for p in MultiHeadAttention(64, 8, n_kv_head=2, bias=True).parameters()) == gqa_params(
        64, 8, 2, bias=True
    )


# ---- linear


def quadratic_linear_attention(q, k, v, causal):
    fq, fk = F.elu(q) + 1, F.elu(k) + 1
    a = fq @ fk.transpose(-2, -1)  # (phi(Q) phi(K)^T) V, normalised by the row sums
    if causal:
        a = a.masked_fill(causal_mask(q.size(-2), k.size(-2)), 0.0)
    return (a @ v) / (a.sum(-1, keepdim=True) + 1e-6)


@pytest.mark.parametrize("causal", [False, True])
def test_linear_attention_equals_quadratic_form(causal):
    check_against_torch(
        lambda q, k, v: linear_attention(q, k, v, causal=causal),
        lambda q, k, v: quadratic_linear_attention(q, k, v, causal),
        [(2, 2, 6, 3), (2, 2, 6, 3), (2, 2, 6, 5)],
    )


def test_linear_attention_is_not_softmax_attention():
    q, k, v = rand(1, 1, 6, 4, seed=1), rand(1, 1, 6, 4, seed=2), rand(1, 1, 6, 4, seed=3)
    assert not torch.allclose(linear_attention(q, k, v), sdpa_torch(q, k, v), atol=1e-3)


# ---- online


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(-1000, 1000, allow_nan=False), min_size=1, max_size=5),
        min_size=1,
        max_size=6,
    )
)
def test_online_softmax_matches_scipy(chunks):
    arrays = [np.array(c) for c in chunks]
    ref = scipy.special.softmax(np.concatenate(arrays))
    np.testing.assert_allclose(online_softmax(arrays), ref, rtol=1e-7, atol=1e-300)  # atol: subnormal rounding


def test_online_softmax_rescales_when_the_max_grows():
    out = online_softmax([np.array([0.0]), np.array([1000.0])])
    np.testing.assert_allclose(out, [math.exp(-1000.0), 1.0], rtol=1e-12)


# ---- projections, head similarity, QK-norm, Linformer


def test_qkv_project_matches_linear_and_tied_qk_gives_symmetric_scores():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 5, 8, dtype=D, generator=g)
    wq, wk, wv = (torch.randn(8, 8, dtype=D, generator=g) for _ in range(3))
    q, k, v = qkv_project(x, wq, wk, wv)
    torch.testing.assert_close(q, F.linear(x, wq))
    torch.testing.assert_close(v, F.linear(x, wv))
    s_sep = q @ k.transpose(-2, -1)
    assert not torch.allclose(s_sep, s_sep.transpose(-2, -1))
    q2, k2, _ = qkv_project(x, wq, wq, wv)
    s_tied = q2 @ k2.transpose(-2, -1)
    torch.testing.assert_close(s_tied, s_tied.transpose(-2, -1))


def test_head_similarity_matches_scipy_and_detects_collapse_M56():
    from scipy.spatial.distance import jensenshannon

    g = torch.Generator().manual_seed(1)
    att = torch.softmax(torch.randn(3, 4, 6, dtype=D, generator=g), -1)
    att[2] = att[0]  # a collapsed (duplicated) head
    js = head_similarity(att)
    assert js[0, 2].abs() < 1e-15 and js[0, 1] > 1e-3
    ref = np.mean([jensenshannon(att[0, t].numpy(), att[1, t].numpy()) ** 2 for t in range(4)])  # scipy: sqrt(JS)
    assert js[0, 1].item() == pytest.approx(ref, rel=1e-10)
    assert (js <= math.log(2) + 1e-12).all()


def test_qk_norm_attention_bounds_scores_and_matches_sdpa():
    g = torch.Generator().manual_seed(2)
    q, k, v = (torch.randn(1, 2, 5, 4, dtype=D, generator=g) * 1000 for _ in range(3))
    out = qk_norm_attention(q, k, v, scale=10.0)
    ref = F.scaled_dot_product_attention(F.normalize(q, dim=-1), F.normalize(k, dim=-1), v, scale=10.0)
    torch.testing.assert_close(out, ref)
    s = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1) * 10.0
    assert s.abs().max() <= 10.0 + 1e-9


def test_linformer_with_identity_projection_is_exact():
    q, k, v = rand(1, 2, 6, 4, seed=1), rand(1, 2, 6, 4, seed=2), rand(1, 2, 6, 4, seed=3)
    eye = torch.eye(6, dtype=D)
    torch.testing.assert_close(linformer_attention(q, k, v, eye, eye), torch_ref(q, k, v))
    E = rand(3, 6, seed=4)
    assert linformer_attention(q, k, v, E, E).shape == (1, 2, 6, 4)
    with pytest.raises(ValueError, match="sequence length"):
        linformer_attention(q, k, v, rand(3, 5), rand(3, 5))
