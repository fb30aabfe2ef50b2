"""Hidden checks for the flash-attention kata. Expected values: dense attention with scipy's softmax."""

from __future__ import annotations

import numpy as np
import scipy.special

from mldrill.grader.checks import Call, Check, expect_close


def _dense(q: np.ndarray, k: np.ndarray, v: np.ndarray, causal: bool = False, scale: float | None = None):
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale  # (..., T, S)
    if causal:
        t, n = q.shape[-2], k.shape[-2]
        s = np.where(np.arange(n)[None, :] > np.arange(t)[:, None] + (n - t), -np.inf, s)
    return scipy.special.softmax(s, axis=-1) @ v


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def qkv(*lead: int, t: int, s: int, hs: int = 4, hv: int = 3, mult: float = 1.0):
        return (rng.normal(size=(*lead, t, hs)) * mult, rng.normal(size=(*lead, s, hs)) * mult,
                rng.normal(size=(*lead, s, hv)))  # fmt: skip

    def falling(*lead: int, t: int, s: int, hs: int = 4, hv: int = 3, mult: float = 1.0):
        """Scores that fall with the key index for every query (by ~0.5 or more per key, noise ~0.1): each row's
        max is in its first key tile, so the running max never grows and forgetting a rescale cannot show."""
        q = rng.normal(size=(*lead, t, hs)) * 0.3
        k = rng.normal(size=(*lead, s, hs)) * 0.3
        q[..., 0] = rng.uniform(1.0, 2.0, size=(*lead, t))
        k[..., 0] = np.linspace(2.0, -2.0, s) * (s - 1) / 3
        return q * mult, k * mult, rng.normal(size=(*lead, s, hv))

    a = qkv(2, t=7, s=9)
    growing = qkv(t=4, s=10)
    growing[1][:] = growing[1] * np.linspace(0.1, 6.0, 10)[:, None]  # later keys score higher: the max keeps growing
    c1 = falling(2, t=6, s=6)
    c2 = falling(t=4, s=9)
    big = falling(t=4, s=6, mult=float(rng.uniform(22.0, 26.0)))  # every row's max score is above 800
    wide = qkv(t=5, s=6, hs=16)  # 1/sqrt(16) and 1/16 give different weights
    sc = float(rng.uniform(0.1, 0.3))

    def call(x, bq: int, bk: int, **kw: object) -> Call:
        return Call(x, {"block_q": bq, "block_k": bk, **kw})

    def fixed(x, bq: int, bk: int, **kw: object) -> Call:
        """The default scale passed explicitly: a check that is not about the scale does not see it."""
        return call(x, bq, bk, scale=1.0 / np.sqrt(x[0].shape[-1]), **kw)

    # Apart from the first check, the blocks divide T and S (a dropped partial tile is the first check's trap),
    # and only the first check and the scale's leave the scale at its default
    return [
        Check("equals dense attention, blocks that do not divide T or S",
              "Tile the queries and keys (the last tiles are partial) and normalize by the running sum at the end.",
              [call(a, 3, 4), call(a, 7, 9), call(a, 1, 1)], expect_close([_dense(*a)] * 3, atol=1e-10, rtol=1e-8)),
        Check("rescales the running sum and output when the max grows",
              "When a new tile raises the row max from m to m', multiply both l and acc by exp(m - m'): forgetting "
              "acc (or l) mixes terms measured against different maxima.",
              [fixed(growing, 4, 2)], expect_close([_dense(*growing)], atol=1e-10, rtol=1e-8)),
        Check("causal mask inside the tiles",
              "Query i sees keys j <= i (its own key included); tiles on the diagonal are partly masked, tiles above "
              "it fully (skip them). A row whose first tiles are all masked must not produce NaN from "
              "exp(-inf - (-inf)).",
              [fixed(c1, 2, 2, causal=True), fixed(c1, 3, 3, causal=True)],
              expect_close([_dense(*c1, causal=True)] * 2, atol=1e-10, rtol=1e-8)),
        Check("causal with S > T aligns the last query with the last key",
              "With a KV cache of S - T earlier tokens, query i sits at position i + S - T: the diagonal shifts.",
              [fixed(c2, 2, 3, causal=True)], expect_close([_dense(*c2, causal=True)], atol=1e-10, rtol=1e-8)),
        Check("finite for large scores",
              "Scores of order 1000 overflow exp unless every exponent is relative to the running max.",
              [fixed(big, 2, 3)], expect_close([_dense(*big)], atol=1e-9, rtol=1e-7)),
        Check("scale: 1/sqrt(hs) by default, an explicit scale replaces it",
              "Without scale, divide the scores by sqrt(hs) (not hs: Var(q . k) = hs for unit entries); an explicit "
              "scale replaces 1/sqrt(hs) (do not multiply both).",
              [call(wide, 5, 6), call(a, 7, 9, scale=sc)],  # one tile: no rescale
              expect_close([_dense(*wide), _dense(*a, scale=sc)], atol=1e-9, rtol=1e-7)),
    ]  # fmt: skip
