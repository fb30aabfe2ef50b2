"""Classic wrong smooth L1 losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def smooth_l1(pred, target, *, beta=1.0, reduction="mean"):
    r = (pred - target).abs()
    if beta == 0:
        loss = r  # the limit beta -> 0: plain L1, without dividing by zero
    else:
        loss = torch.where(r < beta, 0.5 * r**2 / beta, r - 0.5 * beta)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()
"""

GENERIC = "matches SmoothL1Loss at beta = 1"
HUBER = "divides the quadratic part by beta (not Huber)"
SMALL = "small beta"
NONE = "reduction='none' keeps the shape"
SUM = "reduction='sum'"

MUTANTS = [
    mutant(
        "Huber instead of smooth L1",
        "0.5 * r**2 / beta, r - 0.5 * beta",
        "0.5 * r**2, beta * (r - 0.5 * beta)",
        HUBER,
        SMALL,  # every beta other than 1 differs
        NONE,
        SUM,
    ),
    mutant(
        "quadratic part not divided by beta",
        "0.5 * r**2 / beta,",
        "0.5 * r**2,",
        HUBER,
        SMALL,  # every beta other than 1 differs
        NONE,
        SUM,
    ),
    mutant(
        "linear part r - beta",
        "r - 0.5 * beta)",
        "r - beta)",
        GENERIC,
        HUBER,  # the linear part is wrong at every beta
        SMALL,
        NONE,
        SUM,
    ),
    mutant("reduction='none' ignored", 'if reduction == "none":', "if False:", NONE),
    mutant(
        "reduction='sum' ignored",
        'loss.sum() if reduction == "sum" else loss.mean()',
        "loss.mean()",
        SUM,
    ),
]
