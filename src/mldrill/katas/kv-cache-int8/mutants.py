"""Classic wrong int8 KV-cache quantizers, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def quantize_kv_int8(x):
    amax = x.abs().amax(dim=(-2, -1), keepdim=True).clamp_min(1e-12)
    scale = amax / 127
    q = torch.clamp(torch.round(x / scale), -127, 127).to(torch.int8)
    return q, scale
"""

GENERIC = "matches absmax int8 per (batch, head)"
PER_HEAD = "one scale per head, not per tensor"
ROUND = "rounds to nearest"
ZERO = "an all-zero head gives zeros, not NaN"

MUTANTS = [
    mutant(
        "one scale for the whole tensor",
        "x.abs().amax(dim=(-2, -1), keepdim=True)",
        "x.abs().amax().expand(x.shape[0], x.shape[1], 1, 1)",
        PER_HEAD,
        GENERIC,  # every check has heads of different ranges
        ROUND,
        ZERO,
    ),
    mutant(
        "one scale per token",
        "amax(dim=(-2, -1), keepdim=True)",
        "amax(dim=-1, keepdim=True)",
        GENERIC,
        PER_HEAD,  # the scale has shape (B, n_kv, T, 1) in every check
        ROUND,
        ZERO,
    ),
    mutant(
        "truncates", "torch.round(x / scale)", "(x / scale)", ROUND, GENERIC, PER_HEAD, ZERO
    ),  # all hold random values
    mutant("no floor for an all-zero head", ".clamp_min(1e-12)", "", ZERO),
    mutant("divides the max by 128", "scale = amax / 127", "scale = amax / 128", GENERIC, PER_HEAD, ROUND, ZERO),
]
