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
    # 2 groups of 3: repeat() pairs head 1 with kv head 1 instead of kv head 0, and repeating each K/V head g = 2
    # times (not h/g = 3) gives 4 heads, not 6
    six = case(1, 6, 2, 4, 4, 4)
    mha = case(2, 4, 4, 3, 3, 4)
    mqa = case(1, 4, 1, 5, 6, 4)
    masked = case(2, 4, 2, 6, 6, 4)
    # both K/V heads equal: any grouping gives the same output, so only the mask can be wrong here
    masked = (masked[0], *(np.repeat(a[:, :1], 2, axis=1) for a in masked[1:]))
    causal = np.triu(np.ones((6, 6), dtype=bool), 1)
    wide = case(1, 3, 1, 4, 5, 16)  # hs = 16: 1/sqrt(16) and 1/16 differ; one K/V head, so no grouping to get wrong
    return [
        Check(
            "matches F.scaled_dot_product_attention(enable_gqa=True)",
            "Expand each K/V head to the h/g query heads of its group, then softmax(q k^T / sqrt(hs)) v per head, "
            "the softmax over the keys (the last axis of the scores).",
            [Call(tuple(T(a) for a in c)) for c in gqa],
            expect_close([_sdpa(*c) for c in gqa], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "query head j uses K/V head j // (h/g)",
            "Groups are consecutive: repeat_interleave(h // g) gives [k0, k0, k0, k1, k1, k1]; tensor.repeat gives "
            "[k0, k1, k0, k1, k0, k1] and pairs query heads with the wrong K/V heads. Each K/V head serves h/g "
            "query heads (not g).",
            [Call(tuple(T(a) for a in six))],
            expect_close([_sdpa(*six)], atol=1e-10, rtol=1e-8),
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
            "with -inf before the softmax, so each query's kept weights still sum to 1.",
            [Call((*(T(a) for a in masked), T(causal)))],
            expect_close([_sdpa(*masked, causal)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "scores scaled by 1/sqrt(hs)",
            "Var(q . k) = hs for unit-variance entries: dividing by sqrt(hs) brings the scores back to unit scale; "
            "dividing by hs flattens the softmax.",
            [Call(tuple(T(a) for a in wide))],
            expect_close([_sdpa(*wide)], atol=1e-10, rtol=1e-8),
        ),
    ]
