"""Classic wrong max-pooling layers, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math
import torch
import torch.nn.functional as F

def max_pool2d(x, kernel, *, stride=None, padding=0, dilation=1):
    s = kernel if stride is None else stride
    xp = F.pad(x, (padding, padding, padding, padding), value=-math.inf)
    span = dilation * (kernel - 1) + 1
    H, W = xp.shape[-2:]
    Ho = (H - span) // s + 1
    Wo = (W - span) // s + 1
    out = None
    for u in range(kernel):
        for v in range(kernel):
            r, c = u * dilation, v * dilation
            tap = xp[:, :, r : r + s * (Ho - 1) + 1 : s, c : c + s * (Wo - 1) + 1 : s]
            out = tap if out is None else torch.maximum(out, tap)
    return out
"""

GENERIC = "matches F.max_pool2d with an explicit stride"

MUTANTS = [
    mutant(
        "zero padding",
        "value=-math.inf",
        "value=0.0",
        "padding is -inf, never 0",
    ),
    mutant(
        "stride defaults to 1",
        "s = kernel if stride is None else stride",
        "s = 1 if stride is None else stride",
        "stride defaults to the kernel size",
        "the output size floors: a partial window is dropped",
    ),
    mutant(
        "padding only after the input",
        "(padding, padding, padding, padding)",
        "(0, 2 * padding, 0, 2 * padding)",
        "padding goes on both sides",
        "padding is -inf, never 0",
        "dilation spaces the taps D apart",
    ),
    mutant(
        "the output size rounds up",
        "    Ho = (H - span) // s + 1\n    Wo = (W - span) // s + 1",
        "    Ho = -(-(H - span) // s) + 1\n    Wo = -(-(W - span) // s) + 1",
        "the output size floors: a partial window is dropped",
        GENERIC,
        "padding is -inf, never 0",
        "padding goes on both sides",
        "dilation spaces the taps D apart",
    ),
    mutant(
        "dilation ignored",
        "r, c = u * dilation, v * dilation",
        "r, c = u, v",
        "dilation spaces the taps D apart",
    ),
    mutant(
        "the max over the whole dilated span",
        "    for u in range(kernel):\n        for v in range(kernel):\n            r, c = u * dilation, v * dilation",
        "    for u in range(span):\n        for v in range(span):\n            r, c = u, v",
        "dilation spaces the taps D apart",
    ),
    mutant(
        "output size without the dilation",
        "span = dilation * (kernel - 1) + 1",
        "span = kernel",
        "dilation spaces the taps D apart",
    ),
]
