"""Classic wrong grouped-query attentions, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math

import torch

def gqa_attention(q, k, v, mask=None):
    h, g = q.shape[1], k.shape[1]
    k = k.repeat_interleave(h // g, dim=1)  # (B, h, S, hs)
    v = v.repeat_interleave(h // g, dim=1)
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (B, h, T, S)
    if mask is not None:
        s = s.masked_fill(mask, float("-inf"))
    w = torch.softmax(s, dim=-1)
    return w @ v
"""

GENERIC = "matches F.scaled_dot_product_attention(enable_gqa=True)"
GROUP = "query head j uses K/V head j // (h/g)"
MHA = "g = h is plain multi-head attention"
MQA = "g = 1 is multi-query attention"
MASK = "a causal mask, True = blocked"
SCALE = "scores scaled by 1/sqrt(hs)"

MUTANTS = [
    mutant(
        "repeat instead of repeat_interleave",
        "    k = k.repeat_interleave(h // g, dim=1)  # (B, h, S, hs)\n    v = v.repeat_interleave(h // g, dim=1)",
        "    k = k.repeat(1, h // g, 1, 1)  # (B, h, S, hs)\n    v = v.repeat(1, h // g, 1, 1)",
        GROUP,
        GENERIC,
    ),
    mutant(
        "each K/V head repeated g times, not h/g",
        "    k = k.repeat_interleave(h // g, dim=1)  # (B, h, S, hs)\n    v = v.repeat_interleave(h // g, dim=1)",
        "    k = k.repeat_interleave(g, dim=1)  # (B, h, S, hs)\n    v = v.repeat_interleave(g, dim=1)",
        GROUP,
        GENERIC,
        MHA,
    ),
    mutant(
        "True in the mask means keep",
        'masked_fill(mask, float("-inf"))',
        'masked_fill(~mask, float("-inf"))',
        MASK,
    ),
    mutant(
        "mask applied after the softmax",
        '        s = s.masked_fill(mask, float("-inf"))\n    w = torch.softmax(s, dim=-1)',
        "        pass\n    w = torch.softmax(s, dim=-1)\n"
        "    if mask is not None:\n        w = w.masked_fill(mask, 0.0)",
        MASK,
    ),
    # every check scales its scores (hs = 4 or 8 elsewhere: 1/2 vs 1/4), so each may fail; the hs = 16 one names it
    mutant("scaled by 1/hs", "/ math.sqrt(q.shape[-1])", "/ q.shape[-1]", SCALE, GENERIC, GROUP, MHA, MQA, MASK),
    mutant(
        "softmax over the queries",
        "torch.softmax(s, dim=-1)",
        "torch.softmax(s, dim=-2)",
        GENERIC,
        # the weights of each query no longer sum to 1, in every check
        GROUP,
        MHA,
        MQA,
        MASK,
        SCALE,
    ),
]
