"""Classic wrong samplers, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def sample(logits, *, temperature=1.0, top_k=None, top_p=None, generator=None):
    if temperature == 0:
        return logits.argmax(dim=-1)
    z = logits / temperature  # (B, V)
    if top_k is not None:
        kth = torch.topk(z, top_k, dim=-1).values[:, -1:]  # (B, 1): the k-th largest logit
        z = z.masked_fill(z < kth, float("-inf"))
    if top_p is not None:
        probs = torch.softmax(z, dim=-1)
        sorted_p, order = torch.sort(probs, dim=-1, descending=True)
        before = sorted_p.cumsum(dim=-1) - sorted_p  # mass of the more likely tokens
        drop_sorted = before >= top_p  # the token that crosses p has before < p: kept
        drop = drop_sorted.scatter(-1, order, drop_sorted)  # back from sorted positions to token ids
        z = z.masked_fill(drop, float("-inf"))
    weights = torch.softmax(z, dim=-1)
    return torch.multinomial(weights, 1, generator=generator).squeeze(-1)
"""

GENERIC = "samples from softmax(logits) (chi-square)"
TEMP = "divides the logits by the temperature"
GREEDY = "temperature 0 is greedy"
TOPK = "top-k keeps exactly the k most likely tokens"
CROSS = "top-p keeps the token that crosses p (M32)"
ORDER = "temperature is applied before top-p"
BOTH = "top-k and top-p together"
RENORM = "top-p runs on the renormalized top-k survivors"
IDS = "top-p filters token ids, not sorted positions"

MUTANTS = [
    mutant(
        "top-p keeps only the tokens with cumulative mass <= p",
        "drop_sorted = before >= top_p",
        "drop_sorted = before + sorted_p > top_p",
        CROSS,
        ORDER,
        BOTH,
        RENORM,
        IDS,
    ),
    Mutant(
        "temperature applied after the filters",
        (
            ("z = logits / temperature", "z = logits"),
            ("weights = torch.softmax(z, dim=-1)", "weights = torch.softmax(z / temperature, dim=-1)"),
        ),
        ORDER,
        (TEMP,),
    ),
    mutant("logits multiplied by the temperature", "logits / temperature", "logits * temperature", TEMP, ORDER),
    mutant(
        "temperature 0 divides by zero",
        "    if temperature == 0:\n        return logits.argmax(dim=-1)\n",
        "",
        GREEDY,
    ),
    mutant(
        "draws from the global RNG, not the generator",
        "torch.multinomial(weights, 1, generator=generator)",
        "torch.multinomial(weights, 1)",
        "draws with the given generator (same seed, same tokens)",
    ),
    mutant("top-k drops the k-th logit too (<=)", "z < kth", "z <= kth", TOPK, BOTH, RENORM),
    mutant(
        "top-p on the probabilities before top-k",
        "probs = torch.softmax(z, dim=-1)",
        "probs = torch.softmax(logits / temperature, dim=-1)",
        RENORM,
        BOTH,
    ),
    mutant(
        "the sorted keep mask applied to unsorted token ids",
        "drop = drop_sorted.scatter(-1, order, drop_sorted)",
        "drop = drop_sorted",
        IDS,
        CROSS,
        ORDER,
        BOTH,
        RENORM,
    ),
]
