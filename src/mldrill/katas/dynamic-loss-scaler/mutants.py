"""Classic wrong loss-scaler steps, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def loss_scaler_step(grads, scale, growth_tracker, *, max_norm, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000):
    g = [x / scale for x in grads]
    if not all(bool(torch.isfinite(x).all()) for x in g):
        return None, scale * backoff_factor, 0
    norm = float(torch.sqrt(sum((x ** 2).sum() for x in g)))
    coef = min(1.0, max_norm / (norm + 1e-6))
    g = [x * coef for x in g]
    growth_tracker += 1
    if growth_tracker == growth_interval:
        return g, scale * growth_factor, 0
    return g, scale, growth_tracker
"""

GENERIC = "matches GradScaler and clip_grad_norm_ on clean steps"
CLIP = (
    "    norm = float(torch.sqrt(sum((x ** 2).sum() for x in g)))\n"
    "    coef = min(1.0, max_norm / (norm + 1e-6))\n    g = [x * coef for x in g]"
)

MUTANTS = [
    Mutant(
        "clipped before unscaling",
        (
            ("    g = [x / scale for x in grads]\n    if not", "    g = list(grads)\n    if not"),
            ("    g = [x * coef for x in g]", "    g = [x * coef / scale for x in g]"),
        ),
        "unscale before clipping",
        (GENERIC, "clip by the global norm over all tensors", "clipping never scales gradients up"),
    ),
    mutant(
        "torch.isinf misses NaN",
        "torch.isfinite(x).all()",
        "(~torch.isinf(x)).all()",
        "NaN counts as an overflow too",
    ),
    mutant(
        "steps anyway on overflow",
        "return None, scale * backoff_factor, 0",
        "return g, scale * backoff_factor, 0",
        "an inf gradient skips the step and backs off the scale",
        "NaN counts as an overflow too",
    ),
    mutant(
        "the clean-step count survives an overflow",
        "return None, scale * backoff_factor, 0",
        "return None, scale * backoff_factor, growth_tracker",
        "an overflow resets the clean-step count",
    ),
    mutant(
        "grows one step late",
        "    growth_tracker += 1\n    if growth_tracker == growth_interval:\n"
        "        return g, scale * growth_factor, 0\n    return g, scale, growth_tracker",
        "    if growth_tracker == growth_interval:\n        return g, scale * growth_factor, 0\n"
        "    return g, scale, growth_tracker + 1",
        "the scale grows after growth_interval clean steps",
    ),
    mutant(
        "each tensor clipped by its own norm",
        CLIP,
        "    g = [x * min(1.0, max_norm / (float(x.norm()) + 1e-6)) for x in g]",
        "clip by the global norm over all tensors",
        GENERIC,
    ),
    mutant(
        "clip factor without the min",
        "coef = min(1.0, max_norm / (norm + 1e-6))",
        "coef = max_norm / (norm + 1e-6)",
        "clipping never scales gradients up",
        GENERIC,
        "unscale before clipping",
    ),
    mutant(
        "torch.isnan misses inf",
        "not all(bool(torch.isfinite(x).all()) for x in g)",
        "any(bool(torch.isnan(x).any()) for x in g)",
        "an inf gradient skips the step and backs off the scale",
        "an overflow resets the clean-step count",
    ),
]
