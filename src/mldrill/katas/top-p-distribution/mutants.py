"""Classic wrong top-p distributions, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def top_p_probs(logits, p, *, temperature=1.0):
    z = logits / temperature
    sorted_z, order = torch.sort(z, dim=-1, descending=True)
    q = torch.softmax(sorted_z, dim=-1)
    keep = torch.cumsum(q, dim=-1) - q < p
    keep[..., 0] = True
    kept_sorted = torch.where(keep, q, torch.zeros_like(q))
    kept_sorted = kept_sorted / kept_sorted.sum(dim=-1, keepdim=True)
    return torch.zeros_like(q).scatter(-1, order, kept_sorted)
"""

GENERIC = "matches the renormalised nucleus distribution"

MUTANTS = [
    mutant(
        "no renormalisation",
        "    kept_sorted = kept_sorted / kept_sorted.sum(dim=-1, keepdim=True)\n",
        "",
        "the kept probabilities are renormalised",
        GENERIC,
    ),
    mutant(
        "divided by p instead of the kept mass",
        "kept_sorted / kept_sorted.sum(dim=-1, keepdim=True)",
        "kept_sorted / p",
        "the kept probabilities are renormalised",
        GENERIC,
    ),
    mutant(
        "inclusive cumsum drops the crossing token",
        "keep = torch.cumsum(q, dim=-1) - q < p\n    keep[..., 0] = True",
        "keep = torch.cumsum(q, dim=-1) < p",
        "the token that crosses p is kept",
        GENERIC,
        "the most probable token always survives",  # the same inclusive sum removes a lone top token
        "the temperature is applied before the filter",  # a nucleus one token short wherever it is measured
    ),
    mutant(
        "returned in sorted order",
        "return torch.zeros_like(q).scatter(-1, order, kept_sorted)",
        "return kept_sorted",
        "probabilities come back in vocabulary order",
        GENERIC,
    ),
    mutant(
        "temperature after the filter",
        (
            "    z = logits / temperature\n"
            "    sorted_z, order = torch.sort(z, dim=-1, descending=True)\n"
            "    q = torch.softmax(sorted_z, dim=-1)\n"
            "    keep = torch.cumsum(q, dim=-1) - q < p\n"
        ),
        (
            "    sorted_z, order = torch.sort(logits, dim=-1, descending=True)\n"
            "    q0 = torch.softmax(sorted_z, dim=-1)\n"
            "    q = torch.softmax(sorted_z / temperature, dim=-1)\n"
            "    keep = torch.cumsum(q0, dim=-1) - q0 < p\n"
        ),
        "the temperature is applied before the filter",
        GENERIC,
    ),
    mutant(
        "multiplied by the temperature",
        "z = logits / temperature",
        "z = logits * temperature",
        "the temperature is applied before the filter",
        GENERIC,
    ),
]
