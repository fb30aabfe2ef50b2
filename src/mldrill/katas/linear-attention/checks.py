"""Hidden checks for the linear-attention kata. Expected values: the quadratic form of the same kernel attention,
(phi(Q) phi(K)^T, masked when causal) V normalized by its row sums, computed in NumPy."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_close


def _phi(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))  # elu(x) + 1


def _quadratic(q: np.ndarray, k: np.ndarray, v: np.ndarray, causal: bool = False, eps: float = 1e-6) -> np.ndarray:
    a = _phi(q) @ np.swapaxes(_phi(k), -1, -2)  # (..., T, S)
    if causal:
        a = np.where(np.arange(k.shape[-2])[None, :] > np.arange(q.shape[-2])[:, None], 0.0, a)
    return (a @ v) / (a.sum(-1, keepdims=True) + eps)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def qkv(*lead: int, t: int, s: int, hs: int = 4, hv: int = 3):
        return rng.normal(size=(*lead, t, hs)), rng.normal(size=(*lead, s, hs)), rng.normal(size=(*lead, s, hv))

    a, b, c = qkv(2, t=5, s=7), qkv(t=6, s=6), qkv(2, 2, t=5, s=5)

    def check(name: str, expl: str, x, causal: bool, eps: float = 0.0) -> Check:
        call = Call(tuple(T(t) for t in x), {"causal": causal, "eps": eps})
        return Check(name, expl, [call], expect_close([_quadratic(*x, causal, eps)], atol=1e-10, rtol=1e-8))

    # eps = 0 except in the eps check (phi > 0, so the normalizer is positive): where eps sits cannot show elsewhere
    return [
        check("non-causal: equals the quadratic kernel form", "phi(q)^T (phi(K)^T V) / (phi(q)^T sum phi(k) + eps), "
              "with phi = elu + 1 (positive features; elu alone can be negative), divided by the normalizer.",
              a, False),
        check("causal: prefix sums, no future", "Query i may only use keys j <= i, its own key included: cumulative "
              "sums of phi(k_j) v_j^T and of phi(k_j). The full sums leak the future.", b, True),
        check("causal with batch and head dimensions", "cumsum along the sequence dimension (-2 for phi(k), -3 for "
              "the (T, hs, hv) outer products), not along a batch dimension.", c, True),
        check("eps in the denominator", "eps is added to the normalizer phi(q)^T z, inside the division (here a "
              "large eps shows it).", a, False, 0.5),
    ]  # fmt: skip
