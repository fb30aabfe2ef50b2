"""Classic wrong prefix-tuning attentions, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import math

import torch

def prefix_attention(q, k, v, pk, pv, *, causal=True):
    b, t, p = q.shape[0], q.shape[2], pk.shape[1]
    keys = torch.cat([pk.expand(b, -1, -1, -1), k], dim=2)
    values = torch.cat([pv.expand(b, -1, -1, -1), v], dim=2)
    scores = q @ keys.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        future = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        mask = torch.cat([torch.zeros(t, p, dtype=torch.bool), future], dim=1)  # the prefix is always visible
        scores = scores.masked_fill(mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ values
"""

OPEN = "non-causal: attention over [prefix; keys]"
CAUSAL = "causal: every query sees the whole prefix"
LONG = "a prefix longer than the sequence, shared over heads and batch"

MUTANTS = [
    mutant(
        "causal mask over all p + T positions",
        "mask = torch.cat([torch.zeros(t, p, dtype=torch.bool), future], dim=1)",
        "mask = torch.triu(torch.ones(t, p + t, dtype=torch.bool), diagonal=1)",
        CAUSAL,
        LONG,  # causal too
    ),
    Mutant(
        "prefix after the keys",
        (
            ("torch.cat([pk.expand(b, -1, -1, -1), k], dim=2)", "torch.cat([k, pk.expand(b, -1, -1, -1)], dim=2)"),
            ("torch.cat([pv.expand(b, -1, -1, -1), v], dim=2)", "torch.cat([v, pv.expand(b, -1, -1, -1)], dim=2)"),
        ),
        CAUSAL,
        (LONG,),  # without a mask the order of the keys does not matter, with it the mask falls on the wrong slots
    ),
    mutant("query cannot see itself", "diagonal=1)", "diagonal=0)", CAUSAL, LONG),
    mutant("scale 1/hs", "/ math.sqrt(q.shape[-1])", "/ q.shape[-1]", OPEN, CAUSAL, LONG),  # every check
]
