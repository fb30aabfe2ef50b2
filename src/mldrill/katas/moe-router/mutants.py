"""Classic wrong MoE routers, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def route_with_aux(logits, k, *, style="mixtral", alpha=0.01):
    T, E = logits.shape
    probs = torch.softmax(logits, dim=-1)
    if style == "mixtral":
        top, idx = torch.topk(logits, k, dim=-1)
        weights = torch.softmax(top, dim=-1)
    else:
        weights, idx = torch.topk(probs, k, dim=-1)
    f = torch.bincount(idx.reshape(-1), minlength=E).to(probs.dtype) / (T * k)
    P = probs.mean(dim=0)
    return weights, idx, alpha * E * (f * P).sum()
"""

GENERIC = "matches the router on random logits"
UNIFORM = "aux loss is alpha at a uniform router"
SLOTS = "aux loss uses the routed fraction f and the mean probability P"

MUTANTS = [
    mutant(
        "Mixtral without renormalizing",
        "top, idx = torch.topk(logits, k, dim=-1)\n        weights = torch.softmax(top, dim=-1)",
        "weights, idx = torch.topk(probs, k, dim=-1)",
        "Mixtral renormalizes over the k chosen experts",
        GENERIC,
    ),
    mutant(
        "Switch renormalized",
        "weights, idx = torch.topk(probs, k, dim=-1)\n",
        "weights, idx = torch.topk(probs, k, dim=-1)\n        weights = weights / weights.sum(-1, keepdim=True)\n",
        "Switch keeps the full-softmax probabilities",
        GENERIC,
    ),
    mutant(
        "ascending order",
        "top, idx = torch.topk(logits, k, dim=-1)",
        "top, idx = torch.topk(logits, k, dim=-1)\n        top, idx = top.flip(-1), idx.flip(-1)",
        "picks the k largest, in decreasing order",
        GENERIC,
    ),
    mutant(
        "f over tokens, not slots",
        "minlength=E).to(probs.dtype) / (T * k)",
        "minlength=E).to(probs.dtype) / T",
        UNIFORM,
        GENERIC,
        SLOTS,
    ),
    mutant(
        "no E factor",
        "return weights, idx, alpha * E * (f * P).sum()",
        "return weights, idx, alpha * (f * P).sum()",
        UNIFORM,
        GENERIC,
        SLOTS,
    ),
    mutant(
        "probabilities in place of f",
        "return weights, idx, alpha * E * (f * P).sum()",
        "return weights, idx, alpha * E * (P * P).sum()",
        SLOTS,
        GENERIC,
    ),
]
