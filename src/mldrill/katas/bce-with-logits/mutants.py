"""Classic wrong binary cross-entropies on logits, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def bce_with_logits(x, y, *, pos_weight=None):
    w = 1.0 if pos_weight is None else pos_weight
    loss = w * y * F.softplus(-x) + (1 - y) * F.softplus(x)
    return loss.mean()
"""

PW = "pos_weight scales only the positive term, per class"

MUTANTS = [
    mutant(
        "log of sigmoid",
        "w * y * F.softplus(-x) + (1 - y) * F.softplus(x)",
        "-(w * y * torch.log(torch.sigmoid(x)) + (1 - y) * torch.log(1 - torch.sigmoid(x)))",
        "finite for logits of +-1000",
    ),
    mutant(
        "pos_weight on both terms",
        "w * y * F.softplus(-x) + (1 - y) * F.softplus(x)",
        "w * (y * F.softplus(-x) + (1 - y) * F.softplus(x))",
        PW,
    ),
    mutant(
        "pos_weight on the negative term",
        "w * y * F.softplus(-x) + (1 - y) * F.softplus(x)",
        "y * F.softplus(-x) + w * (1 - y) * F.softplus(x)",
        PW,
    ),
    mutant(
        "pos_weight indexed per row",
        "w = 1.0 if pos_weight is None else pos_weight",
        "w = 1.0 if pos_weight is None else pos_weight[:, None]",
        PW,
    ),
    mutant(
        "targets treated as hard labels",
        "w * y * F.softplus(-x) + (1 - y) * F.softplus(x)",
        "torch.where(y > 0.5, w * F.softplus(-x), F.softplus(x))",
        "soft targets in [0, 1]",
    ),
]
