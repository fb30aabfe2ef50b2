"""Hidden checks for the group-norm kata. Expected values come from torch.nn.functional.group_norm (and layer_norm,
instance_norm for the two limits)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_close


def _gn(x: np.ndarray, g: int, w: np.ndarray | None = None, b: np.ndarray | None = None) -> np.ndarray:
    wt = None if w is None else torch.from_numpy(w)
    bt = None if b is None else torch.from_numpy(b)
    return F.group_norm(torch.from_numpy(x), g, wt, bt, 1e-5).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    x = rng.normal(size=(2, 6, 4, 3)) * 2 + rng.normal(size=(1, 6, 1, 1)) * 3
    w, b = rng.normal(size=6), rng.normal(size=6)
    x1d = rng.normal(size=(3, 4, 5))
    shifted = x.copy()
    shifted[1] = shifted[1] * 5 + 100.0
    ln = F.layer_norm(torch.from_numpy(x), x.shape[1:]).numpy()
    inorm = F.instance_norm(torch.from_numpy(x)).numpy()

    def call(xx: np.ndarray, g: int, affine: bool = False) -> Call:
        return Call((T(xx), g, T(w[: xx.shape[1]]), T(b[: xx.shape[1]])) if affine else (T(xx), g))

    return [
        Check("matches F.group_norm", "Statistics per (sample, group) over C/G channels and every position; "
              "per-channel affine.", [call(x, 3, True), call(x1d, 2)],
              expect_close([_gn(x, 3, w, b), _gn(x1d, 2)], atol=1e-10, rtol=1e-8)),
        Check("groups are consecutive channels", "Group g holds channels [g C/G, (g+1) C/G): reshape (N, G, C/G, ...), "
              "not (N, C/G, G, ...).", [call(x, 2)], expect_close([_gn(x, 2)], atol=1e-10, rtol=1e-8)),
        Check("G = 1 is LayerNorm over (C, H, W)", "One group: the statistics of each sample over all its channels "
              "and positions.", [call(x, 1)], expect_close([ln], atol=1e-10, rtol=1e-8)),
        Check("G = C is InstanceNorm", "One channel per group: per-(sample, channel) statistics over positions.",
              [call(x, 6)], expect_close([inorm], atol=1e-10, rtol=1e-8)),
        Check("statistics are per sample, not over the batch", "Unlike BatchNorm, changing the other samples must not "
              "change a sample's output: reduce within each sample only (sample 1 is shifted by 100 here).",
              [call(shifted, 3, True)], expect_close([_gn(shifted, 3, w, b)], atol=1e-10, rtol=1e-8)),
    ]  # fmt: skip
