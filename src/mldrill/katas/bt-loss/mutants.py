"""Classic wrong reward-model losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def bt_loss(r_chosen, r_rejected):
    return -F.logsigmoid(r_chosen - r_rejected).mean()
"""

GENERIC = "matches the Bradley-Terry loss on random pairs"

MUTANTS = [
    mutant(
        "log of sigmoid",
        "-F.logsigmoid(r_chosen - r_rejected)",
        "-torch.log(torch.sigmoid(r_chosen - r_rejected))",
        "finite for large reward gaps",
    ),
    mutant(
        "log1p of exp",
        "-F.logsigmoid(r_chosen - r_rejected)",
        "torch.log1p(torch.exp(r_rejected - r_chosen))",
        "finite for large reward gaps",
    ),
    mutant(
        "rejected minus chosen",
        "F.logsigmoid(r_chosen - r_rejected)",
        "F.logsigmoid(r_rejected - r_chosen)",
        "a higher chosen reward lowers the loss",
        GENERIC,
        "finite for large reward gaps",
    ),
    mutant(
        "sum over pairs",
        "(r_chosen - r_rejected).mean()",
        "(r_chosen - r_rejected).sum()",
        "ln 2 at equal rewards",
        GENERIC,
        "finite for large reward gaps",
    ),
    mutant(
        "sigmoid without the log",
        "-F.logsigmoid(r_chosen - r_rejected)",
        "-torch.sigmoid(r_chosen - r_rejected)",
        "ln 2 at equal rewards",
        GENERIC,
        "finite for large reward gaps",
    ),
]
