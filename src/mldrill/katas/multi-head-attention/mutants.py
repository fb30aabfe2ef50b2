"""Classic wrong multi-head attentions, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import math

import torch
from torch import nn

class MultiHeadAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.q_proj = nn.Linear(n_embd, n_embd, bias=False)
        self.k_proj = nn.Linear(n_embd, n_embd, bias=False)
        self.v_proj = nn.Linear(n_embd, n_embd, bias=False)
        self.o_proj = nn.Linear(n_embd, n_embd, bias=False)

    def forward(self, x, mask=None):
        B, T, C = x.shape
        h, hs = self.n_head, C // self.n_head
        q = self.q_proj(x).view(B, T, h, hs).transpose(1, 2)  # (B, h, T, hs)
        k = self.k_proj(x).view(B, T, h, hs).transpose(1, 2)
        v = self.v_proj(x).view(B, T, h, hs).transpose(1, 2)
        att = q @ k.transpose(-2, -1) / math.sqrt(hs)  # (B, h, T, T)
        if mask is not None:
            att = att.masked_fill(mask, float("-inf"))
        att = torch.softmax(att, dim=-1)
        y = att @ v  # (B, h, T, hs)
        y = y.transpose(1, 2).reshape(B, T, C)
        return self.o_proj(y)
"""

ONE = "one head is plain attention with projections"
GENERIC = "matches nn.MultiheadAttention with the same weights"
SPLIT = "splits heads with view + transpose"
MERGE = "merges heads back in token order"
SCALE = "scales by sqrt(head dim)"
MASK = "boolean mask: True = blocked"
MULTI = (GENERIC, SPLIT, MERGE, SCALE, MASK)

MUTANTS = [
    Mutant(
        "heads split by a direct view, without the transpose",
        tuple(
            (f"self.{p}_proj(x).view(B, T, h, hs).transpose(1, 2)", f"self.{p}_proj(x).view(B, h, T, hs)")
            for p in "qkv"
        ),
        SPLIT,
        # the merge check's V gives every head the same average under this split; the scale check's random
        # inputs see it
        (GENERIC, SCALE),
    ),
    mutant(
        "heads merged by a reshape, without the transpose",
        "y.transpose(1, 2).reshape(B, T, C)",
        "y.reshape(B, T, C)",
        MERGE,
        # the split check's heads all output the same vector, in any order; the scale check's random inputs see it
        GENERIC,
        SCALE,
    ),
    mutant(
        "scaled by sqrt(C), not sqrt(head dim)",
        "/ math.sqrt(hs)",
        "/ math.sqrt(C)",
        SCALE,
        # with one head they agree (the mask check), and the split and merge checks have all scores 0
        GENERIC,
    ),
    mutant(
        "True in the mask means keep", 'masked_fill(mask, float("-inf"))', 'masked_fill(~mask, float("-inf"))', MASK
    ),
    mutant(
        "mask applied after the softmax",
        '            att = att.masked_fill(mask, float("-inf"))\n        att = torch.softmax(att, dim=-1)',
        "            pass\n        att = torch.softmax(att, dim=-1)\n"
        "        if mask is not None:\n            att = att.masked_fill(mask, 0.0)",
        MASK,
    ),
    Mutant(
        "x times the weight, not its transpose",
        tuple((f"self.{p}_proj(x).view", f"(x @ self.{p}_proj.weight).view") for p in "qkv"),
        ONE,
        MULTI,
    ),
    mutant("output projection skipped", "return self.o_proj(y)", "return y", ONE, *MULTI),
]
