"""Hidden checks for the multi-head-attention kata.

The submission builds its own (random) projection weights; each call reads them back through `get_parameter`,
then runs `forward`. Two checks first copy chosen weights in (`.data.copy_`), so that each sees only its own trap.
Expected values: torch.nn.MultiheadAttention(bias=False, batch_first=True) with the weights read back copied in, in
float64.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from mldrill.grader.checks import Call, Check, Judge, Outcome, Step, T, compare_arrays

WEIGHTS = ("q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight")


def _oracle(x: np.ndarray, ws: list[np.ndarray], n_head: int, mask: np.ndarray | None) -> np.ndarray:
    c = x.shape[-1]
    mha = nn.MultiheadAttention(c, n_head, bias=False, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.from_numpy(np.concatenate(ws[:3]).astype(np.float64)))
        mha.out_proj.weight.copy_(torch.from_numpy(ws[3].astype(np.float64)))
        xt = torch.from_numpy(x.astype(np.float64))
        m = None if mask is None else torch.from_numpy(mask)
        y, _ = mha(xt, xt, xt, attn_mask=m, need_weights=False)
    return y.numpy()


def _case(
    x: np.ndarray, n_head: int, mask: np.ndarray | None = None, set_weights: dict[str, np.ndarray] | None = None
) -> tuple[list[Call], Judge]:
    c = x.shape[-1]
    chosen = tuple(Step(f"{name}.data.copy_", (T(w.astype(np.float32)),)) for name, w in (set_weights or {}).items())
    steps = tuple(Step("get_parameter", (w,)) for w in WEIGHTS)
    fwd = Step("forward", (T(x),), {} if mask is None else {"mask": T(mask)})

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        *ws, y = o.value[len(chosen) :]
        for name, w in zip(WEIGHTS, ws, strict=True):
            if np.shape(w) != (c, c):
                return f"{name} has shape {np.shape(w)}, expected ({c}, {c}): nn.Linear(n_embd, n_embd, bias=False)"
        return compare_arrays(y, _oracle(x, [np.asarray(w) for w in ws], n_head, mask), atol=1e-5, rtol=1e-4)

    return [Call((c, n_head), steps=(*chosen, *steps, fwd))], judge


def _split_case(rng: np.random.Generator, b: int, t: int, c: int, n_head: int) -> tuple[list[Call], Judge]:
    """W_Q = 0 makes every score 0 (uniform attention: the scale cannot matter), and W_V's rows repeat per head, so
    every head outputs the same vector at every position (merging the heads in any order gives the same output).
    Splitting by a direct view still mixes the tokens of V: each head then averages a block of tokens, not all."""
    hs = c // n_head
    x = rng.normal(size=(b, t, c)).astype(np.float32)
    w_v = np.tile(rng.normal(size=(hs, c)), (n_head, 1))
    return _case(x, n_head, set_weights={"q_proj.weight": np.zeros((c, c)), "v_proj.weight": w_v})


def _merge_case(rng: np.random.Generator, b: int, c: int, n_head: int) -> tuple[list[Call], Judge]:
    """T = h tokens x_t = a_t u (one direction u = e_0) and W_Q = 0 (uniform attention: the scale cannot matter).
    V[t, head, d] = a_t beta_head[d] with beta_head = a_head B / sum(a): head j's output is a_j B / T, different
    per head, and a direct view(B, h, T, hs) of V (no transpose) gives each head exactly the same average, so only
    the merge can scramble the output."""
    hs, t = c // n_head, n_head
    a = rng.uniform(0.5, 2.0, size=t)
    beta = a[:, None] * rng.normal(size=(1, hs)) / a.sum()  # (h, hs)
    x = np.zeros((b, t, c))
    x[:, :, 0] = rng.uniform(0.5, 2.0, size=(b, 1)) * a  # each batch a multiple of a: the same ratios
    w_v = rng.normal(size=(c, c))
    w_v[:, 0] = beta.reshape(-1)
    return _case(x.astype(np.float32), n_head, set_weights={"q_proj.weight": np.zeros((c, c)), "v_proj.weight": w_v})


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def x(b: int, t: int, c: int) -> np.ndarray:
        return rng.normal(size=(b, t, c)).astype(np.float32)

    causal = np.triu(np.ones((6, 6), dtype=bool), k=1)  # True above the diagonal = the future is blocked
    return [
        Check("one head is plain attention with projections", "With n_head = 1: Q = x W_Q^T (what nn.Linear "
              "computes; x @ W uses the transpose), K and V alike, softmax(Q K^T / sqrt(C)) V, then o_proj.",
              *_case(x(2, 5, 8), 1)),
        Check("matches nn.MultiheadAttention with the same weights", "Project, split into heads, attend per head, "
              "merge, project out.", *_case(x(2, 5, 16), 4)),
        Check("splits heads with view + transpose", "(B, T, C) -> view(B, T, h, d_h) -> transpose(1, 2): a direct "
              "view(B, h, T, d_h) mixes positions and heads.", *_split_case(rng, 1, 6, 12, 3)),
        Check("merges heads back in token order", "transpose(1, 2) before reshape(B, T, C) (or .contiguous().view): "
              "reshaping (B, h, T, d_h) straight to (B, T, C) scrambles tokens.", *_merge_case(rng, 2, 16, 4)),
        Check("scales by sqrt(head dim)", "The scores are divided by sqrt(d_h) = sqrt(C / h), not sqrt(C) (M20).",
              *_case(x(1, 5, 32) * 3, 8)),
        # one head: the split, merge and scale cannot go wrong here, only the mask
        Check("boolean mask: True = blocked", "masked_fill(mask, -inf) where the mask is True (the polarity of "
              "nn.MultiheadAttention's attn_mask, the opposite of F.scaled_dot_product_attention's), before the "
              "softmax, so each query's kept weights still sum to 1.",
              *_case(x(2, 6, 16), 1, causal)),
    ]  # fmt: skip
