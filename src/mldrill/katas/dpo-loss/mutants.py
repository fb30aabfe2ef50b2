"""Classic wrong DPO losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, *, beta=0.1):
    chosen = beta * (policy_chosen - ref_chosen)
    rejected = beta * (policy_rejected - ref_rejected)
    loss = -F.logsigmoid(chosen - rejected).mean()
    return loss, chosen.detach(), rejected.detach()
"""

GENERIC = "matches the DPO loss and rewards on random pairs"

MUTANTS = [
    mutant(
        "beta outside the sigmoid",
        "loss = -F.logsigmoid(chosen - rejected).mean()",
        "loss = -beta * F.logsigmoid((chosen - rejected) / beta).mean()",
        "ln 2 when the policy equals the reference",
        GENERIC,
        "finite for large margins",
        "subtracts the reference log-probs",
        "chosen minus rejected",
    ),
    mutant(
        "sum instead of mean",
        "F.logsigmoid(chosen - rejected).mean()",
        "F.logsigmoid(chosen - rejected).sum()",
        "ln 2 when the policy equals the reference",
        GENERIC,
        "subtracts the reference log-probs",
        "chosen minus rejected",
        "finite for large margins",
    ),
    mutant(
        "no reference model",
        "loss = -F.logsigmoid(chosen - rejected).mean()",
        "loss = -F.logsigmoid(beta * (policy_chosen - policy_rejected)).mean()",
        "subtracts the reference log-probs",
        GENERIC,
        "ln 2 when the policy equals the reference",
        "chosen minus rejected",
        "finite for large margins",
    ),
    mutant(
        "rejected minus chosen",
        "F.logsigmoid(chosen - rejected)",
        "F.logsigmoid(rejected - chosen)",
        "chosen minus rejected",
        GENERIC,
        "finite for large margins",
    ),
    mutant(
        "log of sigmoid",
        "-F.logsigmoid(chosen - rejected)",
        "-torch.log(torch.sigmoid(chosen - rejected))",
        "finite for large margins",
    ),
    mutant(
        "rewards without beta",
        "return loss, chosen.detach(), rejected.detach()",
        "return loss, (chosen / beta).detach(), (rejected / beta).detach()",
        "implicit rewards are beta times the log-ratio",
        GENERIC,
    ),
]
