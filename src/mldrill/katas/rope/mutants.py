"""Classic wrong RoPEs, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def apply_rope(x, pos, *, base=10000.0, style="half"):
    hs = x.shape[-1]
    inv_freq = base ** (-torch.arange(0, hs, 2, dtype=torch.float64) / hs)  # (hs/2,): theta_i = base^(-2i/hs)
    angles = pos.to(torch.float64)[:, None] * inv_freq[None, :]  # (T, hs/2)
    cos, sin = angles.cos(), angles.sin()
    half = style == "half"
    xd = x.to(torch.float64)
    x1, x2 = (xd[..., : hs // 2], xd[..., hs // 2 :]) if half else (xd[..., 0::2], xd[..., 1::2])
    r1 = x1 * cos - x2 * sin
    r2 = x1 * sin + x2 * cos
    out = torch.cat([r1, r2], dim=-1) if half else torch.stack([r1, r2], dim=-1).flatten(-2)
    return out.to(x.dtype)
"""

GENERIC = "half style matches the complex-rotation formula"
INTER = "interleaved style pairs (x_2i, x_2i+1)"
POS = "uses the given positions, not 0..T-1"
BASE = "uses the base argument"
F32 = "keeps float32 input in float32"
SIGN = "rotates by +m theta (x_a cos - x_b sin, x_a sin + x_b cos)"
FAR = "float64 input is rotated with float64 angles"

MUTANTS = [
    mutant(
        "theta_i = base^(-i/hs) instead of base^(-2i/hs)",
        "torch.arange(0, hs, 2, dtype=torch.float64) / hs",
        "torch.arange(0, hs // 2, dtype=torch.float64) / hs",
        GENERIC,
        INTER,
        POS,
        BASE,
        F32,
        SIGN,
        FAR,
    ),
    mutant(
        "positions 0..T-1 instead of pos",
        "angles = pos.to(torch.float64)[:, None]",
        "angles = torch.arange(x.shape[-2], dtype=torch.float64)[:, None]",
        POS,
    ),
    mutant("base fixed at 10000", "inv_freq = base ** (", "inv_freq = 10000.0 ** (", BASE),
    mutant("style ignored: always the half pairing", 'half = style == "half"', "half = True", INTER),
    mutant(
        "interleaved pairs rotated, then written back as two halves",
        "torch.stack([r1, r2], dim=-1).flatten(-2)",
        "torch.cat([r1, r2], dim=-1)",
        INTER,
    ),
    Mutant(
        "sin with the wrong sign (rotates by -m theta)",
        (
            ("r1 = x1 * cos - x2 * sin", "r1 = x1 * cos + x2 * sin"),
            ("r2 = x1 * sin + x2 * cos", "r2 = x2 * cos - x1 * sin"),
        ),
        SIGN,
        (GENERIC, INTER, POS, BASE, F32, FAR),
    ),
    Mutant(
        "frequencies and angles in float32",
        (
            ("torch.arange(0, hs, 2, dtype=torch.float64) / hs", "torch.arange(0, hs, 2) / hs"),
            ("angles = pos.to(torch.float64)[:, None]", "angles = pos.float()[:, None]"),
        ),
        FAR,
        # every float64 check compares at 1e-10: float32 angles are off by ~1e-7 even at small positions
        (GENERIC, INTER, POS, BASE, SIGN),
    ),
    mutant("returns float64 for float32 input", "return out.to(x.dtype)", "return out", F32),
]
