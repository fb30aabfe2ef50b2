"""Hidden checks for the prefix-attention kata. Expected values: F.scaled_dot_product_attention over the concatenated
keys and values with an explicit (T, p + T) keep-mask."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_close


def _oracle(q, k, v, pk, pv, causal: bool) -> np.ndarray:
    qt, kt, vt, pkt, pvt = (torch.from_numpy(a) for a in (q, k, v, pk, pv))
    b, t, p = q.shape[0], q.shape[2], pk.shape[1]
    kk = torch.cat([pkt.expand(b, -1, -1, -1), kt], dim=2)
    vv = torch.cat([pvt.expand(b, -1, -1, -1), vt], dim=2)
    keep = torch.ones(t, p + t, dtype=torch.bool)
    if causal:
        keep[:, p:] = torch.tril(torch.ones(t, t, dtype=torch.bool))
    return F.scaled_dot_product_attention(qt, kk, vv, attn_mask=keep).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(b: int, nh: int, t: int, p: int, hs: int = 4):
        return (*(rng.normal(size=(b, nh, t, hs)) for _ in range(3)), rng.normal(size=(nh, p, hs)),
                rng.normal(size=(nh, p, hs)))  # fmt: skip

    a, b = case(2, 2, 5, 3), case(1, 3, 4, 6)

    def check(name: str, expl: str, x, causal: bool) -> Check:
        call = Call(tuple(T(t) for t in x), {"causal": causal})
        return Check(name, expl, [call], expect_close([_oracle(*x, causal)], atol=1e-10, rtol=1e-8))

    return [
        check("non-causal: attention over [prefix; keys]", "Concatenate the prefix before the keys and values "
              "(expanded over the batch) and attend with 1/sqrt(hs).", a, False),
        check("causal: every query sees the whole prefix", "The prefix precedes every real token: the mask is p open "
              "columns followed by the causal mask. A causal mask over all p + T positions hides prefix slots from "
              "early queries and shifts the diagonal.", a, True),
        check("a prefix longer than the sequence, shared over heads and batch", "pk and pv are (nh, p, hs), the same "
              "for every sequence; p may exceed T.", b, True),
    ]  # fmt: skip
