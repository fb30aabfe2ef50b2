"""Classic wrong FlashAttention forwards, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import numpy as np

def flash_attention(q, k, v, *, block_q=64, block_k=64, causal=False, scale=None):
    t, s_len = q.shape[-2], k.shape[-2]
    if scale is None:
        scale = 1.0 / np.sqrt(q.shape[-1])
    out = np.zeros(q.shape[:-1] + v.shape[-1:])
    for i0 in range(0, t, block_q):
        qi = q[..., i0 : i0 + block_q, :]
        rows = np.arange(i0, i0 + qi.shape[-2])
        m = np.full(qi.shape[:-1] + (1,), -np.inf)
        l = np.zeros(qi.shape[:-1] + (1,))
        acc = np.zeros(qi.shape[:-1] + v.shape[-1:])
        for j0 in range(0, s_len, block_k):
            kj, vj = k[..., j0 : j0 + block_k, :], v[..., j0 : j0 + block_k, :]
            s = qi @ np.swapaxes(kj, -1, -2) * scale
            if causal:
                cols = np.arange(j0, j0 + kj.shape[-2])
                s = np.where(cols[None, :] > rows[:, None] + (s_len - t), -np.inf, s)
            m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
            safe = np.where(np.isfinite(m_new), m_new, 0.0)
            alpha = np.exp(m - safe)
            p = np.exp(s - safe)
            l = l * alpha + p.sum(axis=-1, keepdims=True)
            acc = acc * alpha + p @ vj
            m = m_new
        out[..., i0 : i0 + block_q, :] = acc / l
    return out
"""

GENERIC = "equals dense attention, blocks that do not divide T or S"
RESCALE = "rescales the running sum and output when the max grows"
CAUSAL = "causal mask inside the tiles"
SHIFT = "causal with S > T aligns the last query with the last key"
FINITE = "finite for large scores"
SCALE = "scale: 1/sqrt(hs) by default, an explicit scale replaces it"

MUTANTS = [
    mutant("output not rescaled", "acc = acc * alpha + p @ vj", "acc = acc + p @ vj", RESCALE, GENERIC),
    mutant(
        "running sum not rescaled",
        "l = l * alpha + p.sum(axis=-1, keepdims=True)",
        "l = l + p.sum(axis=-1, keepdims=True)",
        RESCALE,
        GENERIC,
    ),
    mutant("causal diagonal not shifted by S - T", "rows[:, None] + (s_len - t)", "rows[:, None]", SHIFT),
    mutant(
        "causal mask hides the diagonal",
        "cols[None, :] > rows[:, None] + (s_len - t)",
        "cols[None, :] >= rows[:, None] + (s_len - t)",
        CAUSAL,
        SHIFT,
    ),
    Mutant(
        "no max subtraction",
        (("alpha = np.exp(m - safe)", "alpha = 1.0"), ("p = np.exp(s - safe)", "p = np.exp(s)")),
        FINITE,
    ),
    mutant("scaled by 1/hs", "scale = 1.0 / np.sqrt(q.shape[-1])", "scale = 1.0 / q.shape[-1]", SCALE, GENERIC),
    mutant(
        "scale argument ignored",
        "    if scale is None:\n        scale = 1.0 / np.sqrt(q.shape[-1])",
        "    scale = 1.0 / np.sqrt(q.shape[-1])",
        SCALE,
    ),
    mutant(
        "last partial key tile dropped",
        "range(0, s_len, block_k)",
        "range(0, s_len - block_k + 1, block_k)",
        GENERIC,
    ),
    mutant(
        "never divided by the running sum",
        "out[..., i0 : i0 + block_q, :] = acc / l",
        "out[..., i0 : i0 + block_q, :] = acc",
        GENERIC,
        # the weights no longer sum to 1 anywhere
        RESCALE,
        CAUSAL,
        SHIFT,
        FINITE,
        SCALE,
    ),
]
