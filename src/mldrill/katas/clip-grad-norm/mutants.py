"""Classic wrong gradient clippings, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def clip_grad_norm(grads, max_norm):
    total = torch.sqrt(sum((g * g).sum() for g in grads))
    c = min(1.0, max_norm / (float(total) + 1e-6))
    for g in grads:
        g.mul_(c)
    return total
"""

GENERIC = "matches clip_grad_norm_ (global norm over all tensors)"
ONE = "one scale factor for every tensor"

MUTANTS = [
    mutant(
        "each tensor clipped on its own",
        "    for g in grads:\n        g.mul_(c)\n",
        "    for g in grads:\n        g.mul_(min(1.0, max_norm / (float(g.norm()) + 1e-6)))\n",
        ONE,
        GENERIC,
    ),
    mutant(
        "returns the norm after clipping",
        "    return total",
        "    return torch.sqrt(sum((g * g).sum() for g in grads))",
        "returns the norm before clipping",
        GENERIC,
    ),
    mutant(
        "scales small gradients up (no min with 1)",
        "c = min(1.0, max_norm / (float(total) + 1e-6))",
        "c = max_norm / (float(total) + 1e-6)",
        "no change below max_norm",
    ),
    mutant(
        "new tensors instead of scaling in place",
        "    for g in grads:\n        g.mul_(c)\n",
        "    grads = [g * c for g in grads]\n",
        GENERIC,
        ONE,  # the caller's tensors stay as they were; the message says "unchanged: scale the tensors in place"
    ),
]
