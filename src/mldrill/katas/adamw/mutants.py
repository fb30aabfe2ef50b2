"""Classic wrong AdamW steps, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def adamw_step(p, g, m, v, t, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    b1, b2 = betas
    p.mul_(1 - lr * weight_decay)
    m.mul_(b1).add_(g, alpha=1 - b1)
    v.mul_(b2).addcmul_(g, g, value=1 - b2)
    m_hat = m / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    p.sub_(lr * m_hat / (v_hat.sqrt() + eps))
"""

GENERIC = "matches torch.optim.AdamW over 25 steps"
ORDER = "decay is scaled by lr and applied before the update"
BIAS = "bias correction from t = 1"
EPS = "eps outside the square root"

MUTANTS = [
    Mutant(
        "L2 in the gradient (Adam's coupled decay)",
        (("    p.mul_(1 - lr * weight_decay)\n", "    g = g + weight_decay * p\n"),),
        "decay is decoupled, not L2 (M14)",
        # with the decay inside the moments, p is never shrunk by lr * wd directly
        (GENERIC, ORDER),
    ),
    Mutant(
        "decay applied after the Adam update",
        (
            ("    p.mul_(1 - lr * weight_decay)\n", ""),
            (
                "p.sub_(lr * m_hat / (v_hat.sqrt() + eps))",
                "p.sub_(lr * m_hat / (v_hat.sqrt() + eps))\n    p.mul_(1 - lr * weight_decay)",
            ),
        ),
        ORDER,
        (GENERIC,),
    ),
    mutant("decay not scaled by lr", "p.mul_(1 - lr * weight_decay)", "p.mul_(1 - weight_decay)", ORDER, GENERIC),
    mutant("Adam's default weight_decay of 0", "weight_decay=1e-2", "weight_decay=0.0", "default weight_decay is 1e-2"),
    Mutant("no bias correction", (("m / (1 - b1**t)", "m"), ("v / (1 - b2**t)", "v")), BIAS, (GENERIC,)),
    Mutant(
        "step counted from 0 (t + 1 in the correction)",
        (("b1**t", "b1 ** (t + 1)"), ("b2**t", "b2 ** (t + 1)")),
        BIAS,
        (GENERIC,),
    ),
    mutant("eps inside the square root", "v_hat.sqrt() + eps", "(v_hat + eps).sqrt()", EPS, GENERIC),
    mutant(
        "p rebound instead of updated in place",
        "p.sub_(lr * m_hat / (v_hat.sqrt() + eps))",
        "p = p - lr * m_hat / (v_hat.sqrt() + eps)",
        GENERIC,
        # the caller's p only gets the decay, which every check of p sees at its first step (the message says
        # "update p, m, v in place" there)
        ORDER,
        BIAS,
        EPS,
    ),
]
