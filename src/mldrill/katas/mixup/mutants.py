"""Classic wrong mixups, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def mixup(x, y, lam, *, num_classes, generator):
    perm = torch.randperm(x.shape[0], generator=generator)
    y1 = F.one_hot(y, num_classes).to(x.dtype)
    x_mixed = lam * x + (1 - lam) * x[perm]
    y_mixed = lam * y1 + (1 - lam) * y1[perm]
    return x_mixed, y_mixed
"""

GENERIC = "mixes inputs and one-hot targets with one permutation"
LAM = "lam weights the example, 1 - lam its partner"
SAME = "targets use the same partner and the same lam as the inputs"
ONEHOT = "targets are one-hot over num_classes"
PERM = "the partners are a permutation"
SHUFFLED = "examples are mixed with a shuffled partner"

MUTANTS = [
    mutant(
        "a second permutation for the targets",
        "(1 - lam) * y1[perm]",
        "(1 - lam) * y1[torch.randperm(x.shape[0], generator=generator)]",
        SAME,
        GENERIC,
    ),
    mutant(
        "lam and 1 - lam swapped",
        "lam * x + (1 - lam) * x[perm]",
        "(1 - lam) * x + lam * x[perm]",
        LAM,
        GENERIC,
        SAME,
        ONEHOT,
        PERM,
        SHUFFLED,
    ),
    mutant(
        "1 - lam on the targets",
        "lam * y1 + (1 - lam) * y1[perm]",
        "(1 - lam) * y1 + lam * y1[perm]",
        SAME,
        GENERIC,
    ),
    mutant(
        "one_hot without num_classes",
        "F.one_hot(y, num_classes)",
        "F.one_hot(y)",
        ONEHOT,
    ),
    mutant(
        "integer labels mixed",
        "y_mixed = lam * y1 + (1 - lam) * y1[perm]",
        "y_mixed = lam * y + (1 - lam) * y[perm]",
        ONEHOT,
        GENERIC,
        SAME,
    ),
    mutant(
        "partners drawn with replacement",
        "perm = torch.randperm(x.shape[0], generator=generator)",
        "perm = torch.randint(0, x.shape[0], (x.shape[0],), generator=generator)",
        PERM,
        GENERIC,
    ),
    mutant(
        "identity permutation",
        "perm = torch.randperm(x.shape[0], generator=generator)",
        "perm = torch.arange(x.shape[0])",
        SHUFFLED,
        GENERIC,
    ),
    mutant(
        "one-hot targets cast to float32",
        "F.one_hot(y, num_classes).to(x.dtype)",
        "F.one_hot(y, num_classes).float()",
        ONEHOT,
        GENERIC,
        SAME,
    ),
    mutant(
        "in-place scaling before taking the partners",
        "x_mixed = lam * x + (1 - lam) * x[perm]",
        "x_mixed = x.clone().mul_(lam)\n    x_mixed.add_(x_mixed[perm], alpha=1 - lam)",
        LAM,
        GENERIC,
        SAME,
        ONEHOT,
        PERM,
        SHUFFLED,
    ),
]
