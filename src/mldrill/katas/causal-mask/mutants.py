"""Classic wrong causal masks, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def causal_mask(T, S=None):
    S = T if S is None else S
    return torch.triu(torch.ones(T, S, dtype=torch.bool), diagonal=S - T + 1)
"""

SQUARE = "square mask equals triu(ones, diagonal=1)"
CACHE = "with S > T the queries are the last T positions (KV cache)"

MUTANTS = [
    mutant(
        "the diagonal is blocked too",
        "diagonal=S - T + 1",
        "diagonal=S - T",
        "the diagonal is kept: token i sees itself",
        SQUARE,
    ),
    mutant(
        "the keep-mask (True = visible)",
        "torch.triu(torch.ones(T, S, dtype=torch.bool), diagonal=S - T + 1)",
        "torch.tril(torch.ones(T, S, dtype=torch.bool), diagonal=S - T)",
        "True means blocked",
        SQUARE,
    ),
    mutant("no shift for the KV cache", "diagonal=S - T + 1", "diagonal=1", CACHE),
    mutant("shifted the wrong way", "diagonal=S - T + 1", "diagonal=T - S + 1", CACHE),
    mutant("0/1 floats instead of booleans", "dtype=torch.bool", "dtype=torch.float32", SQUARE),
    mutant(
        "keys and queries swapped in the shape",
        "torch.ones(T, S, dtype=torch.bool)",
        "torch.ones(S, T, dtype=torch.bool)",
        CACHE,
    ),
]
