"""Classic wrong guidance code, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def cfg_batched(eps_both, w, *, rescale=0.0):
    eps_uncond, eps_cond = eps_both.chunk(2, dim=0)
    guided = eps_uncond + w * (eps_cond - eps_uncond)
    if rescale == 0.0:
        return guided
    axes = list(range(1, guided.dim()))
    std_cond = eps_cond.std(dim=axes, keepdim=True)
    std_guided = guided.std(dim=axes, keepdim=True)
    scaled = guided * (std_cond / std_guided)
    return rescale * scaled + (1 - rescale) * guided
"""

GENERIC = "matches guided predictions with and without rescale"
PER_EXAMPLE = "rescale uses each example's own std"
BLEND = "rescale blends by phi"

MUTANTS = [
    mutant(
        "halves swapped",
        "eps_uncond, eps_cond = eps_both.chunk(2, dim=0)",
        "eps_cond, eps_uncond = eps_both.chunk(2, dim=0)",
        "the first half of the batch is unconditional",
        GENERIC,
        PER_EXAMPLE,
        BLEND,
    ),
    mutant(
        "Ho-Salimans form with a diffusers w",
        "guided = eps_uncond + w * (eps_cond - eps_uncond)",
        "guided = (1 + w) * eps_cond - w * eps_uncond",
        "w = 0.5 is halfway between the two predictions",
        GENERIC,
        "the first half of the batch is unconditional",  # it is wrong for every w
        PER_EXAMPLE,
        BLEND,
    ),
    mutant(
        "one std for the batch",
        "    std_cond = eps_cond.std(dim=axes, keepdim=True)\n    std_guided = guided.std(dim=axes, keepdim=True)\n",
        "    std_cond = eps_cond.std()\n    std_guided = guided.std()\n",
        PER_EXAMPLE,
        GENERIC,
    ),
    mutant(
        "no blend",
        "return rescale * scaled + (1 - rescale) * guided",
        "return scaled",
        BLEND,
        GENERIC,
    ),
    mutant(
        "inverted std ratio",
        "scaled = guided * (std_cond / std_guided)",
        "scaled = guided * (std_guided / std_cond)",
        PER_EXAMPLE,
        GENERIC,
        BLEND,
    ),
]
