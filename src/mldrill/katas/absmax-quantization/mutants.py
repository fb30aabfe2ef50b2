"""Classic wrong absmax quantizers, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def quantize(w, *, bits=8, axis=None, group_size=None):
    qmax = 2 ** (bits - 1) - 1
    if group_size is not None:
        w = w.reshape(*w.shape[:-1], -1, group_size)
        amax = w.abs().amax(dim=-1, keepdim=True)
    elif axis is not None:
        others = [d for d in range(w.ndim) if d != axis % w.ndim]
        amax = w.abs().amax(dim=others, keepdim=True)
    else:
        amax = w.abs().max()
    scale = amax.clamp_min(1e-12) / qmax
    q = torch.clamp(torch.round(w / scale), -qmax, qmax).to(torch.int32)
    return q, scale
"""

TENSOR = "per-tensor int8"
FOUR = "4-bit: q_max = 7"
ROWS = "one scale per output channel"
OTHER = "per-channel along another axis"
GROUPS = "groups along the last dimension"

MUTANTS = [
    mutant(
        "q_max = 2^(b-1)", "qmax = 2 ** (bits - 1) - 1", "qmax = 2 ** (bits - 1)", FOUR, TENSOR, ROWS, OTHER, GROUPS
    ),
    mutant("max over the channel axis itself", "if d != axis % w.ndim]", "if d == axis % w.ndim]", ROWS, OTHER),
    mutant(
        "per-channel max without keepdim",
        "amax(dim=others, keepdim=True)",
        "amax(dim=others)",
        ROWS,
        OTHER,  # a (C,) scale is not the keepdim shape either
    ),
    mutant("truncates", "torch.round(w / scale)", "(w / scale)", TENSOR, FOUR, ROWS, OTHER, GROUPS),
    mutant(
        "groups along the wrong axis",
        "w.reshape(*w.shape[:-1], -1, group_size)",
        "w.reshape(*w.shape[:-1], group_size, -1)",
        GROUPS,
    ),
]
