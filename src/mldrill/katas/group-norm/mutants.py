"""Classic wrong GroupNorms, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    n, c = x.shape[:2]
    g = x.reshape(n, num_groups, -1)
    mean = g.mean(dim=-1, keepdim=True)
    var = ((g - mean) ** 2).mean(dim=-1, keepdim=True)
    y = ((g - mean) / torch.sqrt(var + eps)).reshape(x.shape)
    shape = (1, c) + (1,) * (x.dim() - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y
"""

GENERIC = "matches F.group_norm"
AFFINE = (
    "    if weight is not None:\n        y = y * weight.reshape(shape)\n"
    "    if bias is not None:\n        y = y + bias.reshape(shape)\n"
)

MUTANTS = [
    Mutant(
        "interleaved groups (channel c in group c mod G)",
        (
            ("g = x.reshape(n, num_groups, -1)", "g = x.reshape(n, c // num_groups, num_groups, -1)"),
            ("mean = g.mean(dim=-1, keepdim=True)", "mean = g.mean(dim=(1, 3), keepdim=True)"),
            (
                "var = ((g - mean) ** 2).mean(dim=-1, keepdim=True)",
                "var = ((g - mean) ** 2).mean(dim=(1, 3), keepdim=True)",
            ),
        ),
        "groups are consecutive channels",
        (GENERIC,),
    ),
    Mutant(
        "statistics over the batch too",
        (
            ("mean = g.mean(dim=-1, keepdim=True)", "mean = g.mean(dim=(0, 2), keepdim=True)"),
            (
                "var = ((g - mean) ** 2).mean(dim=-1, keepdim=True)",
                "var = ((g - mean) ** 2).mean(dim=(0, 2), keepdim=True)",
            ),
        ),
        "statistics are per sample, not over the batch",
        (GENERIC,),
    ),
    mutant("weight and bias ignored", AFFINE, "", GENERIC),
    mutant(
        "bias added before the scale",
        AFFINE,
        "    if bias is not None:\n        y = y + bias.reshape(shape)\n"
        "    if weight is not None:\n        y = y * weight.reshape(shape)\n",
        GENERIC,
    ),
    mutant(
        "weight broadcast along the last axis",
        "y = y * weight.reshape(shape)",
        "y = y * weight",
        GENERIC,  # (C,) against (N, C, H, W) broadcasts over W, which raises (or silently mixes up axes)
    ),
]
