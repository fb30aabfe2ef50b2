"""Classic wrong Adam steps, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def adam_step(p, g, m, v, t, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    b1, b2 = betas
    if weight_decay:
        g = g + weight_decay * p
    m.mul_(b1).add_((1 - b1) * g)
    v.mul_(b2).add_((1 - b2) * g * g)
    m_hat = m / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    p.sub_(lr * m_hat / (torch.sqrt(v_hat) + eps))
"""

GENERIC = "matches torch.optim.Adam over 25 steps"
BIAS = "bias correction from t = 1"

MUTANTS = [
    Mutant(
        "no bias correction",
        (("m / (1 - b1**t)", "m"), ("v / (1 - b2**t)", "v")),
        BIAS,
        (GENERIC,),
    ),
    Mutant(
        "step counted from 0 (t + 1 in the correction)",
        (("b1**t", "b1 ** (t + 1)"), ("b2**t", "b2 ** (t + 1)")),
        BIAS,
        (GENERIC,),
    ),
    mutant(
        "eps inside the square root",
        "torch.sqrt(v_hat) + eps",
        "torch.sqrt(v_hat + eps)",
        "eps outside the square root",
        GENERIC,
    ),
    mutant(
        "decoupled decay (that is AdamW)",
        "g = g + weight_decay * p",
        "p.mul_(1 - lr * weight_decay)",
        "weight_decay is L2 added to the gradient",
    ),
    mutant(
        "p rebound instead of updated in place",
        "p.sub_(lr * m_hat / (torch.sqrt(v_hat) + eps))",
        "p = p - lr * m_hat / (torch.sqrt(v_hat) + eps)",
        GENERIC,
        # the caller's p never moves, which every check sees at its first step (the message says "update p, m, v in
        # place" there)
        BIAS,
        "eps outside the square root",
        "weight_decay is L2 added to the gradient",
    ),
]
