"""Classic wrong selective scans, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def selective_scan(u, delta, A, B, C, D):
    Ab = torch.exp(delta[..., None] * A)
    Bu = delta[..., None] * B[:, :, None, :] * u[..., None]
    h = torch.zeros(u.shape[0], u.shape[2], A.shape[1], dtype=u.dtype)
    ys = []
    for t in range(u.shape[1]):
        h = Ab[:, t] * h + Bu[:, t]
        ys.append((h * C[:, t, None, :]).sum(-1))
    return torch.stack(ys, dim=1) + D * u
"""

GENERIC = "matches the selective scan on random inputs"
FIRST = "y_t reads the state after step t"

MUTANTS = [
    mutant(
        "reads h before the update",
        "        h = Ab[:, t] * h + Bu[:, t]\n        ys.append((h * C[:, t, None, :]).sum(-1))\n",
        "        ys.append((h * C[:, t, None, :]).sum(-1))\n        h = Ab[:, t] * h + Bu[:, t]\n",
        FIRST,
        GENERIC,
        "the input term is scaled by delta",  # every single-step output becomes 0
        "A is discretized as exp(delta A)",
        "C is read at each time step",
    ),
    mutant(
        "B without delta",
        "Bu = delta[..., None] * B[:, :, None, :] * u[..., None]",
        "Bu = B[:, :, None, :] * u[..., None]",
        "the input term is scaled by delta",
        GENERIC,
    ),
    mutant(
        "Euler for A",
        "Ab = torch.exp(delta[..., None] * A)",
        "Ab = 1 + delta[..., None] * A",
        "A is discretized as exp(delta A)",
        GENERIC,
    ),
    mutant(
        "C of the first step",
        "ys.append((h * C[:, t, None, :]).sum(-1))",
        "ys.append((h * C[:, 0, None, :]).sum(-1))",
        "C is read at each time step",
        GENERIC,
    ),
    mutant(
        "no skip connection",
        "return torch.stack(ys, dim=1) + D * u",
        "return torch.stack(ys, dim=1)",
        "adds the skip connection D u",
        GENERIC,
    ),
]
