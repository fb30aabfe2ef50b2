"""Classic wrong parallel scans, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def scan_linear(a, b, dim=1):
    a, b = a.movedim(dim, 0), b.movedim(dim, 0)
    offset = 1
    while offset < a.shape[0]:
        a_prev, b_prev = a[:-offset], b[:-offset]
        b = torch.cat([b[:offset], a[offset:] * b_prev + b[offset:]])
        a = torch.cat([a[:offset], a[offset:] * a_prev])
        offset *= 2
    return b.movedim(0, dim)
"""

GENERIC = "matches the sequential recurrence"
TWO = "one step combines as a_1 b_0 + b_1"
POWERS = "the a's are scanned too"
ODD = "lengths that are not a power of 2"
DIM = "scans along dim"

MUTANTS = [
    mutant(
        "operands swapped",
        "a[offset:] * b_prev + b[offset:]",
        "a_prev * b[offset:] + b_prev",
        TWO,
        GENERIC,
        POWERS,
        ODD,
        DIM,
    ),
    mutant(
        "a not scanned",
        "        a = torch.cat([a[:offset], a[offset:] * a_prev])\n",
        "",
        POWERS,
        GENERIC,
        ODD,
        DIM,
    ),
    mutant(
        "a updated before b",
        "        b = torch.cat([b[:offset], a[offset:] * b_prev + b[offset:]])\n"
        "        a = torch.cat([a[:offset], a[offset:] * a_prev])\n",
        "        a = torch.cat([a[:offset], a[offset:] * a_prev])\n"
        "        b = torch.cat([b[:offset], a[offset:] * b_prev + b[offset:]])\n",
        TWO,
        GENERIC,
        POWERS,
        ODD,
        DIM,
    ),
    mutant(
        "floor(log2 T) rounds",
        "    while offset < a.shape[0]:\n",
        "    for _ in range(int(torch.log2(torch.tensor(float(a.shape[0]))))):\n",
        ODD,
        GENERIC,
        DIM,
    ),
    mutant(
        "exclusive scan",
        "    return b.movedim(0, dim)",
        "    return torch.cat([torch.zeros_like(b[:1]), b[:-1]]).movedim(0, dim)",
        "h_0 = b_0 (an inclusive scan from h = 0)",
        GENERIC,
        TWO,
        POWERS,
        ODD,
        DIM,
    ),
    mutant(
        "always axis 1",
        "    a, b = a.movedim(dim, 0), b.movedim(dim, 0)",
        "    a, b = a.movedim(1, 0), b.movedim(1, 0)",
        DIM,
    ),
]
