"""Hidden checks for the lora-linear kata. Expected values: a per-request loop over merged weights W + s B A."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_close


def _loop(x, w, a, b, idx, s):
    """One request at a time, with the adapter merged into the weight: x_n (W + s B A)^T."""
    return np.stack([x[n] @ (w + s * b[i] @ a[i]).T for n, i in enumerate(idx)])


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(n: int, d_in: int, d_out: int, r: int, n_ad: int, zero_b: bool = False):
        b = np.zeros((n_ad, d_out, r)) if zero_b else rng.normal(size=(n_ad, d_out, r))
        idx = rng.integers(0, n_ad, size=n)
        return rng.normal(size=(n, d_in)), rng.normal(size=(d_out, d_in)), rng.normal(size=(n_ad, r, d_in)), b, idx

    def call(c, s: float) -> Call:
        return Call(tuple(T(a) for a in c), {"scaling": s})

    random = [case(6, 5, 4, 2, 3), case(8, 7, 7, 3, 2)]
    mixed = case(6, 4, 3, 2, 3)
    mixed[4][:] = [0, 1, 2, 2, 1, 0]  # every adapter in use
    # d_in = d_out: x @ W and x @ W.T both run, only one is right. B = 0, so only the base weight's orientation shows.
    square = case(4, 5, 5, 2, 1, zero_b=True)
    # d_in = d_out, one adapter, a symmetric W (so x W = x W^T): only the orientation of the update B A shows.
    d = int(rng.integers(4, 7))
    sym = case(5, d, d, 2, 1)
    sym = (sym[0], (sym[1] + sym[1].T) / 2, *sym[2:])
    alone = case(6, 5, 4, 2, 1)  # one adapter: only the scale shows
    init = case(5, 4, 3, 2, 2, zero_b=True)
    return [
        Check(
            "matches a per-request loop over merged weights",
            "y_n = x_n W^T + s * (B_a A_a x_n): the unmerged batch must equal merging each adapter into W.",
            [call(c, 0.5) for c in random],
            expect_close([_loop(*c, 0.5) for c in random], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "each row uses its own adapter",
            "Gather A[adapter_idx] and B[adapter_idx]: applying one adapter to the whole batch mixes users' adapters.",
            [call(mixed, 1.0)],
            expect_close([_loop(*mixed, 1.0)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "the scale multiplies the low-rank path only",
            "alpha / r scales B A x, never the frozen base W x (changing r without alpha changes the update's "
            "magnitude, which is why the scale exists).",
            [call(alone, 4.0)],
            expect_close([_loop(*alone, 4.0)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "the weight is stored (d_out, d_in): the base output is x W^T",
            "nn.Linear keeps W as (out_features, in_features); with a square W, x @ W runs but is wrong.",
            [call(square, 1.0)],
            expect_close([_loop(*square, 1.0)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "the update is x (B A)^T, in the weight's orientation",
            "Delta W = B A has the weight's shape (d_out, d_in), so it applies as x (B A)^T = (x A^T) B^T; with "
            "d_in = d_out, x @ (B A) runs too but applies the transposed update.",
            [call(sym, 1.0)],
            expect_close([_loop(*sym, 1.0)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "with B = 0 the output is exactly the base layer",
            "LoRA initialises B = 0 (and A random) so training starts from the pretrained model: the adapter path "
            "must add exactly zero (M36).",
            [call(init, 1.0)],
            expect_close([init[0] @ init[1].T], atol=1e-12, rtol=1e-12),
        ),
    ]
