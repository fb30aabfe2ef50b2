"""Classic wrong masked attentions, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import numpy as np

def sdpa(q, k, v, mask=None, *, scale=None):
    if scale is None:
        scale = 1.0 / np.sqrt(q.shape[-1])
    s = q @ np.swapaxes(k, -1, -2) * scale
    if mask is not None:
        s = np.where(mask, -np.inf, s)
    m = s.max(axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # a fully blocked row: exp(-inf - 0) = 0, not NaN
    e = np.exp(s - m)
    total = e.sum(axis=-1, keepdims=True)
    w = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return w @ v
"""

GENERIC = "matches the formula without a mask"
POLARITY = "True in the mask means blocked"
BEFORE = "blocked scores are -inf before the softmax, not zeroed after it"
DEAD = "a fully blocked query outputs zeros, not NaN"

MUTANTS = [
    mutant(
        "True means keep (SDPA's polarity)",
        "np.where(mask, -np.inf, s)",
        "np.where(mask, s, -np.inf)",
        POLARITY,
        # a fully blocked row becomes a fully open one, whose weights are exactly those of the -1e9 leak: the
        # dead-row check cannot tell the two apart
        DEAD,
    ),
    Mutant(
        "mask applied after the softmax",
        (
            ("        s = np.where(mask, -np.inf, s)\n", "        pass\n"),
            ("    return w @ v", "    if mask is not None:\n        w = np.where(mask, 0.0, w)\n    return w @ v"),
        ),
        BEFORE,
    ),
    mutant("a -1e9 fill instead of -inf", "np.where(mask, -np.inf, s)", "np.where(mask, -1e9, s)", DEAD),
    Mutant(
        "a fully blocked row divides 0 by 0",
        (
            ("    m = np.where(np.isfinite(m), m, 0.0)  # a fully blocked row: exp(-inf - 0) = 0, not NaN\n", ""),
            ("np.divide(e, total, out=np.zeros_like(e), where=total > 0)", "e / total"),
        ),
        DEAD,
    ),
    mutant(
        "scaled by 1/d_k",
        "scale = 1.0 / np.sqrt(q.shape[-1])",
        "scale = 1.0 / q.shape[-1]",
        "scales by 1/sqrt(d_k), not 1/d_k",
        GENERIC,
    ),
    mutant(
        "scale argument ignored",
        "    if scale is None:\n        scale = 1.0 / np.sqrt(q.shape[-1])",
        "    scale = 1.0 / np.sqrt(q.shape[-1])",
        "uses the scale argument when given",
    ),
    mutant("no max subtraction", "e = np.exp(s - m)", "e = np.exp(s)", "finite for scores of order 1000"),
]
