"""Classic wrong warmup + cosine schedules, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math

def cosine_with_warmup(step, *, peak, warmup, total, min_lr=0.0):
    if step < warmup:
        return peak * step / warmup
    progress = min(1.0, (step - warmup) / (total - warmup))
    return min_lr + 0.5 * (peak - min_lr) * (1 + math.cos(math.pi * progress))
"""

GENERIC = "matches linear warmup + CosineAnnealingLR"
WARM = "step 0 has learning rate 0 and step W has the peak"
ENDS = "ends at min_lr on the last step"
HOLDS = "holds min_lr after total"
NO_WARM = "warmup = 0 starts at the peak"
MID = "halfway through the decay the LR is (peak + min_lr) / 2"

MUTANTS = [
    mutant("warmup (step + 1) / warmup", "peak * step / warmup", "peak * (step + 1) / warmup", WARM, GENERIC),
    mutant("warmup step / (warmup - 1)", "peak * step / warmup", "peak * step / (warmup - 1)", WARM, GENERIC),
    mutant(
        "decays to 0 (no min_lr floor)",
        "min_lr + 0.5 * (peak - min_lr) * (1",
        "0.5 * peak * (1",
        ENDS,
        GENERIC,
        HOLDS,
        NO_WARM,
        MID,
    ),
    mutant(
        "min_lr added to a cosine of the full peak",
        "min_lr + 0.5 * (peak - min_lr) * (1",
        "min_lr + 0.5 * peak * (1",
        WARM,
        GENERIC,
        NO_WARM,
        MID,
    ),
    mutant(
        "progress not clipped after total",
        "progress = min(1.0, (step - warmup) / (total - warmup))",
        "progress = (step - warmup) / (total - warmup)",
        HOLDS,
    ),
    mutant("step <= warmup still warms up", "if step < warmup:", "if step <= warmup:", NO_WARM),
    mutant(
        "progress measured from step 0 (step / total)",
        "progress = min(1.0, (step - warmup) / (total - warmup))",
        "progress = min(1.0, step / total)",
        MID,
        GENERIC,
        WARM,
    ),
    mutant(
        "a full cosine period (2 pi)",
        "math.cos(math.pi * progress)",
        "math.cos(2 * math.pi * progress)",
        MID,
        GENERIC,
        ENDS,
        HOLDS,
        NO_WARM,
    ),
]
