"""Classic wrong focal losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def sigmoid_focal_loss(x, y, *, alpha=0.25, gamma=2.0, reduction="none"):
    p = torch.sigmoid(x)
    ce = y * F.softplus(-x) + (1 - y) * F.softplus(x)
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = loss * (alpha * y + (1 - alpha) * (1 - y))
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
"""

GENERIC = "matches the focal-loss formula"
ALPHA = "alpha for positives, 1 - alpha for negatives"

MUTANTS = [
    mutant("alpha on every element", "loss * (alpha * y + (1 - alpha) * (1 - y))", "loss * alpha", ALPHA, GENERIC),
    mutant(
        "alpha for negatives, 1 - alpha for positives",
        "alpha * y + (1 - alpha) * (1 - y)",
        "(1 - alpha) * y + alpha * (1 - y)",
        ALPHA,
        GENERIC,
    ),
    mutant(
        "a negative alpha used as a weight",
        "    if alpha >= 0:\n        loss = loss *",
        "    if True:\n        loss = loss *",
        "a negative alpha disables the class weighting",
    ),
    mutant(
        "log of sigmoid",
        "ce = y * F.softplus(-x) + (1 - y) * F.softplus(x)",
        "ce = -(y * torch.log(p) + (1 - y) * torch.log(1 - p))",
        "finite for logits of +-1000",
    ),
    mutant("'mean' over the rows only", "return loss.mean()", "return loss.sum() / loss.shape[0]", "reduction='mean'"),
    mutant("'sum' not applied", "return loss.sum()", "return loss", "reduction='sum'"),
]
