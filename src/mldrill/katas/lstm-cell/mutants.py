"""Classic wrong LSTM cells, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = x @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        gates = gates + b_ih + b_hh
    i, f, g, o = gates.chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_next = torch.sigmoid(o) * torch.tanh(c_next)
    return h_next, c_next
"""

GENERIC = "matches nn.LSTMCell"
ORDER = "gate order is i, f, g, o with sigmoid on i, f, o and tanh on g"
TANH_C = "h' = s(o) tanh(c'): the new cell state goes through tanh"
BIASES = "adds both bias vectors"
NOBIAS = "works without biases"
EVERY = (GENERIC, TANH_C, BIASES, NOBIAS)  # all random cells: a wrong formula shows in each

MUTANTS = [
    mutant("gates split as i, f, o, g", "i, f, g, o = gates.chunk", "i, f, o, g = gates.chunk", ORDER, *EVERY),
    mutant("gates split as f, i, g, o", "i, f, g, o = gates.chunk", "f, i, g, o = gates.chunk", ORDER, *EVERY),
    mutant("sigmoid on the candidate g", "torch.tanh(g)", "torch.sigmoid(g)", ORDER, *EVERY),
    mutant(
        "h' = s(o) c' without tanh",
        "torch.sigmoid(o) * torch.tanh(c_next)",
        "torch.sigmoid(o) * c_next",
        TANH_C,
        GENERIC,
        ORDER,
        BIASES,
        NOBIAS,
    ),
    mutant("only b_ih added", "gates + b_ih + b_hh", "gates + b_ih", BIASES, GENERIC, ORDER, TANH_C),
    mutant(
        "None biases added",
        "    if b_ih is not None:\n        gates = gates + b_ih + b_hh",
        "    gates = gates + b_ih + b_hh",
        NOBIAS,
    ),
]
