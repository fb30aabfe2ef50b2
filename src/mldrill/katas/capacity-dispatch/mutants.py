"""Classic wrong capacity dispatches, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math
import torch
import torch.nn.functional as F

def dispatch_positions(idx, E, *, capacity_factor=1.25):
    T, k = idx.shape
    cap = math.ceil(k * T / E * capacity_factor)
    order = idx.t().reshape(-1)
    onehot = F.one_hot(order, E)
    pos = (torch.cumsum(onehot, dim=0) - 1)[torch.arange(order.numel()), order]
    pos = pos.reshape(k, T).t()
    return cap, torch.where(pos < cap, pos, -1)
"""

GENERIC = "matches capacity dispatch on random routing"
CAPACITY = "capacity is ceil(k * T / E * cf)"
FULL = "a full buffer holds exactly C slots"

MUTANTS = [
    mutant(
        "floor for the capacity",
        "cap = math.ceil(k * T / E * capacity_factor)",
        "cap = int(k * T / E * capacity_factor)",
        CAPACITY,
        GENERIC,
        FULL,  # one slot fewer per buffer
    ),
    mutant(
        "capacity without k",
        "cap = math.ceil(k * T / E * capacity_factor)",
        "cap = math.ceil(T / E * capacity_factor)",
        CAPACITY,
        GENERIC,
    ),
    mutant(
        "token order",
        "order = idx.t().reshape(-1)",
        "order = idx.reshape(-1)",
        "first choices before second choices",
        GENERIC,
    ),
    mutant(
        "1-based places",
        "pos = (torch.cumsum(onehot, dim=0) - 1)[",
        "pos = torch.cumsum(onehot, dim=0)[",
        "places start at 0",
        GENERIC,
        FULL,
        "first choices before second choices",
    ),
    mutant(
        "keeps place C",
        "torch.where(pos < cap, pos, -1)",
        "torch.where(pos <= cap, pos, -1)",
        FULL,
        GENERIC,
    ),
]
