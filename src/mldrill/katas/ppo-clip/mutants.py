"""Classic wrong PPO losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def ppo_clip_loss(logp, logp_old, adv, *, eps=0.2):
    ratio = torch.exp(logp - logp_old)
    unclipped = ratio * adv
    clipped = torch.clamp(ratio, 1.0 - eps, 1.0 + eps) * adv
    return -torch.minimum(unclipped, clipped).mean()
"""

GENERIC = "matches the clipped surrogate loss on random samples"
CLIPPED = "clipped where the ratio overshoots in the helpful direction"
WORSE = "unclipped where the ratio moved the wrong way"

MUTANTS = [
    mutant(
        "no exp on the log-ratio",
        "ratio = torch.exp(logp - logp_old)",
        "ratio = logp - logp_old",
        "the ratio is exp(logp - logp_old)",
        GENERIC,
        CLIPPED,  # every region sees the wrong ratio
        WORSE,
        "uses the eps argument",
    ),
    mutant(
        "old over new",
        "ratio = torch.exp(logp - logp_old)",
        "ratio = torch.exp(logp_old - logp)",
        "the ratio is exp(logp - logp_old)",
        GENERIC,
        CLIPPED,  # the inverted ratio lands in the other region
        WORSE,
        "uses the eps argument",
    ),
    mutant(
        "no clipping",
        "return -torch.minimum(unclipped, clipped).mean()",
        "return -unclipped.mean()",
        CLIPPED,
        GENERIC,
        "uses the eps argument",
    ),
    mutant(
        "clip without the min",
        "return -torch.minimum(unclipped, clipped).mean()",
        "return -clipped.mean()",
        WORSE,
        GENERIC,
    ),
    mutant(
        "max instead of min",
        "torch.minimum(unclipped, clipped)",
        "torch.maximum(unclipped, clipped)",
        WORSE,
        GENERIC,
        CLIPPED,  # the max is wrong on both sides of the clip
        "uses the eps argument",
    ),
    mutant(
        "hard-coded clip range",
        "torch.clamp(ratio, 1.0 - eps, 1.0 + eps)",
        "torch.clamp(ratio, 0.8, 1.2)",
        "uses the eps argument",
        GENERIC,
    ),
]
