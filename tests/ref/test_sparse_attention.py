"""Sparse masks and the local + global kernel vs masked SDPA."""

import pytest
import torch
import torch.nn.functional as F

from mldrill.ref.sparse_attention import (
    global_mask,
    local_global_attention,
    local_global_mask,
    local_mask,
    strided_mask,
)
from oracles import check_against_torch


@pytest.mark.parametrize("T,window,n_global", [(10, 3, 2), (12, 1, 0), (8, 8, 3), (9, 4, 0), (6, 2, 6)])
def test_local_global_kernel_equals_masked_sdpa(T, window, n_global):
    mask = local_global_mask(T, window, n_global)
    check_against_torch(
        lambda q, k, v: local_global_attention(q, k, v, window=window, n_global=n_global)[0],
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=~mask),
        [(2, 2, T, 4)] * 3,
    )


def test_kernel_computes_T_times_window_plus_global_scores():
    q = torch.randn(1, 1, 1024, 4)
    _, n = local_global_attention(q, q, q, window=16, n_global=4)
    assert n == 1024 * 20 < 1024 * 1024 // 50


def test_mask_closed_forms():
    keep = lambda m: [[int(not b) for b in r] for r in m.tolist()]  # noqa: E731
    assert keep(local_mask(4, 2, causal=False)) == [[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 1]]
    assert keep(strided_mask(5, 2)) == [
        [1, 0, 0, 0, 0],
        [0, 1, 0, 0, 0],
        [1, 0, 1, 0, 0],
        [0, 1, 0, 1, 0],
        [1, 0, 1, 0, 1],
    ]
    assert keep(global_mask(3, 1)) == [[1, 1, 1], [1, 0, 0], [1, 0, 0]]
    lg = local_global_mask(5, 2, 1)
    assert keep(lg) == [[1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [1, 0, 1, 1, 0], [1, 0, 0, 1, 1]]


def test_bad_window_is_an_error():
    q = torch.zeros(1, 3, 2)
    with pytest.raises(ValueError, match="window"):
        local_global_attention(q, q, q, window=0, n_global=1)
