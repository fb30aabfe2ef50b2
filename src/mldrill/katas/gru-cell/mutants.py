"""Classic wrong GRU cells, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    gi = x @ w_ih.T
    gh = h @ w_hh.T
    if b_ih is not None:
        gi, gh = gi + b_ih, gh + b_hh
    i_r, i_z, i_n = gi.chunk(3, dim=-1)
    h_r, h_z, h_n = gh.chunk(3, dim=-1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
"""

GENERIC = "matches nn.GRUCell"
RESET = "the reset gate multiplies W_hn h + b_hn, bias included"
NOBIAS = "works without biases"

MUTANTS = [
    mutant(
        "one combined bias (b_hn outside the reset gate)",
        "gi, gh = gi + b_ih, gh + b_hh",
        "gi, gh = gi + b_ih + b_hh, gh",
        RESET,
        GENERIC,  # its biases are random too
    ),
    mutant(
        "reset applied before W_hn (the paper's variant)",
        "n = torch.tanh(i_n + r * h_n)",
        "n = torch.tanh(i_n + (r * h) @ w_hh.chunk(3)[2].T + (0 if b_hh is None else b_hh.chunk(3)[2]))",
        RESET,
        GENERIC,  # another cell: every output differs
        NOBIAS,
    ),
    mutant(
        "z weights the candidate",
        "(1 - z) * n + z * h",
        "z * n + (1 - z) * h",
        GENERIC,
        RESET,  # every output differs
        NOBIAS,
    ),
    mutant(
        "gates split as z, r, n",
        "i_r, i_z, i_n = gi.chunk(3, dim=-1)\n    h_r, h_z, h_n = gh.chunk(3, dim=-1)",
        "i_z, i_r, i_n = gi.chunk(3, dim=-1)\n    h_z, h_r, h_n = gh.chunk(3, dim=-1)",
        GENERIC,
        RESET,
        NOBIAS,
    ),
    mutant(
        "None biases added",
        "    if b_ih is not None:\n        gi, gh = gi + b_ih, gh + b_hh",
        "    gi, gh = gi + b_ih, gh + b_hh",
        NOBIAS,
    ),
]
