"""Hidden checks for the grouped-query-attention kata. Expected values: F.scaled_dot_product_attention, GQA mode."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_close


def _sdpa(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    attn = None if mask is None else ~torch.from_numpy(mask)  # torch's boolean mask: True = attend
    qt, kt, vt = (torch.from_numpy(a) for a in (q, k, v))
    return F.scaled_dot_product_attention(qt, kt, vt, attn_mask=attn, enable_gqa=True).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(b: int, h: int, g: int, t: int, s: int, hs: int) -> tuple[np.ndarray, ...]:
        return rng.normal(size=(b, h, t, hs)), rng.normal(size=(b, g, s, hs)), rng.normal(size=(b, g, s, hs))

    gqa = [case(2, 8, 2, 5, 5, 4), case(1, 6, 3, 3, 7, 8)]
    four = case(1, 4, 2, 4, 4, 4)  # 2 groups: repeat() pairs head 1 with kv head 1 instead of kv head 0
    mha = case(2, 4, 4, 3, 3, 4)
    mqa = case(1, 4, 1, 5, 6, 4)
    masked = case(2, 4, 2, 6, 6, 4)
    causal = np.triu(np.ones((6, 6), dtype=bool), 1)
    return [
        Check(
            "matches F.scaled_dot_product_attention(enable_gqa=True)",
            "Expand each K/V head to the h/g query heads of its group, then softmax(q k^T / sqrt(hs)) v per head.",
            [Call(tuple(T(a) for a in c)) for c in gqa],
            expect_close([_sdpa(*c) for c in gqa], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "query head j uses K/V head j // (h/g)",
            "Groups are consecutive: repeat_interleave gives [k0, k0, k1, k1]; tensor.repeat gives [k0, k1, k0, k1] "
            "and pairs query heads with the wrong K/V heads.",
            [Call(tuple(T(a) for a in four))],
            expect_close([_sdpa(*four)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "g = h is plain multi-head attention",
            "With as many K/V heads as query heads, nothing is shared: each head attends with its own K/V.",
            [Call(tuple(T(a) for a in mha))],
            expect_close([_sdpa(*mha)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "g = 1 is multi-query attention",
            "One K/V head serves every query head; T and S may differ.",
            [Call(tuple(T(a) for a in mqa))],
            expect_close([_sdpa(*mqa)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "a causal mask, True = blocked",
            "True means blocked here (masked_fill polarity), the opposite of SDPA's boolean attn_mask (M22); fill "
            "with -inf before the softmax.",
            [Call((*(T(a) for a in masked), T(causal)))],
            expect_close([_sdpa(*masked, causal)], atol=1e-10, rtol=1e-8),
        ),
    ]
