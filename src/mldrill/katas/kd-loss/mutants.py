"""Classic wrong distillation losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def kd_loss(student_logits, teacher_logits, y, *, T=2.0, alpha=0.5):
    log_s = F.log_softmax(student_logits / T, dim=-1)
    log_t = F.log_softmax(teacher_logits / T, dim=-1)
    kl = (log_t.exp() * (log_t - log_s)).sum(dim=-1).mean()
    ce = F.cross_entropy(student_logits, y)
    return alpha * T**2 * kl + (1 - alpha) * ce
"""

GENERIC = "matches KLDivLoss(batchmean) + cross-entropy"
T2 = "multiplies the soft term by T^2"
DIRECTION = "KL from the teacher to the student, averaged over the batch"
ALPHA = "alpha weights the soft term"
FINITE = "finite for large logits"

MUTANTS = [
    mutant("no T^2", "alpha * T**2 * kl", "alpha * kl", T2, GENERIC, ALPHA),  # T = 2 and 3 there
    mutant(
        "KL from the student to the teacher",
        "(log_t.exp() * (log_t - log_s))",
        "(log_s.exp() * (log_s - log_t))",
        DIRECTION,
        GENERIC,  # the soft term is wrong in every check
        T2,
        ALPHA,
        FINITE,
    ),
    mutant(
        "KL averaged over N * C",
        ".sum(dim=-1).mean()",
        ".mean()",
        DIRECTION,
        GENERIC,
        T2,
        ALPHA,
        FINITE,
    ),
    mutant(
        "alpha weights the hard loss",
        "alpha * T**2 * kl + (1 - alpha) * ce",
        "(1 - alpha) * T**2 * kl + alpha * ce",
        ALPHA,
        T2,  # alpha = 1 there: the soft term vanishes
        DIRECTION,
    ),
    mutant(
        "log of the teacher's softmax",
        "log_t = F.log_softmax(teacher_logits / T, dim=-1)",
        "log_t = torch.log(F.softmax(teacher_logits / T, dim=-1))",
        FINITE,
    ),
    mutant(
        "hard loss at temperature T",
        "F.cross_entropy(student_logits, y)",
        "F.cross_entropy(student_logits / T, y)",
        GENERIC,
        ALPHA,  # T = 3, alpha = 0.9 there
    ),
]
