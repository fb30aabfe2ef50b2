"""Classic wrong 2:4 masks, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def two_four_mask(w):
    groups = w.reshape(-1, 4)  # (N/4, 4): 4 consecutive weights along the last dim
    keep = groups.abs().topk(2, dim=1).indices  # (N/4, 2)
    mask = torch.zeros_like(groups).scatter(1, keep, 1.0)
    return mask.reshape(w.shape)
"""

GENERIC = "keeps the 2 largest of every 4"
MAGNITUDE = "ranks by magnitude |w|"
AXIS = "groups are consecutive along the last dimension"
OWN = "each group of 4 is pruned on its own"

MUTANTS = [
    mutant("ranks by signed value", "groups.abs().topk(2, dim=1)", "groups.topk(2, dim=1)", MAGNITUDE, GENERIC, OWN),
    mutant(
        "keeps the 2 smallest magnitudes",
        "topk(2, dim=1)",
        "topk(2, dim=1, largest=False)",
        GENERIC,
        MAGNITUDE,
        AXIS,
        OWN,
    ),
    Mutant(
        "groups of 4 along the first dimension",
        (
            ("groups = w.reshape(-1, 4)", "groups = w.transpose(0, -1).reshape(-1, 4)"),
            ("return mask.reshape(w.shape)", "return mask.reshape(w.transpose(0, -1).shape).transpose(0, -1)"),
        ),
        AXIS,
        (GENERIC, OWN),
    ),
    mutant(
        "the top half of each row",
        "    groups = w.reshape(-1, 4)",
        "    keep = w.abs().topk(w.shape[-1] // 2, dim=-1).indices\n"
        "    return torch.zeros_like(w).scatter(-1, keep, 1.0)\n"
        "    groups = w.reshape(-1, 4)",
        OWN,
        GENERIC,
    ),
    mutant(
        "a global top-50% threshold",
        "    groups = w.reshape(-1, 4)",
        "    threshold = w.abs().flatten().kthvalue(w.numel() // 2).values\n"
        "    return (w.abs() > threshold).to(w.dtype)\n"
        "    groups = w.reshape(-1, 4)",
        OWN,
        GENERIC,
    ),
]
