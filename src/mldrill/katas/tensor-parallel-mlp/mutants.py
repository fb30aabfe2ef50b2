"""Classic wrong tensor-parallel MLPs, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def tp_mlp_sharded(x, w1, b1, w2, b2, n):
    w1s = torch.tensor_split(w1, n, dim=1)
    b1s = torch.tensor_split(b1, n)
    w2s = torch.tensor_split(w2, n, dim=0)
    partials = [F.gelu(x @ w1s[i] + b1s[i]) @ w2s[i] for i in range(n)]
    y = torch.stack(partials).sum(0)
    return y + b2, partials
"""

GENERIC = "matches the full MLP and the per-rank partials"
SHARDS = "each rank gets its own slice of b1"
UNEVEN = "hidden sizes that n does not divide"

MUTANTS = [
    mutant(
        "GELU after the all-reduce",
        "    partials = [F.gelu(x @ w1s[i] + b1s[i]) @ w2s[i] for i in range(n)]\n"
        "    y = torch.stack(partials).sum(0)\n",
        "    partials = [(x @ w1s[i] + b1s[i]) @ w2s[i] for i in range(n)]\n"
        "    y = F.gelu(torch.stack(partials).sum(0))\n",
        "GELU is applied on each rank, before W2",
        GENERIC,
        "the all-reduce sums the partials",
        "b2 is added once, after the all-reduce",
        SHARDS,
        UNEVEN,
    ),
    mutant(
        "mean instead of sum",
        "y = torch.stack(partials).sum(0)",
        "y = torch.stack(partials).mean(0)",
        "the all-reduce sums the partials",
        GENERIC,
        "b2 is added once, after the all-reduce",
        UNEVEN,
    ),
    mutant(
        "b2 on every rank",
        "    y = torch.stack(partials).sum(0)\n    return y + b2, partials",
        "    partials = [p + b2 for p in partials]\n    y = torch.stack(partials).sum(0)\n    return y, partials",
        "b2 is added once, after the all-reduce",
        GENERIC,
        SHARDS,  # its partials carry b2
        UNEVEN,
    ),
    mutant(
        "the first b1 slice on every rank",
        "F.gelu(x @ w1s[i] + b1s[i])",
        "F.gelu(x @ w1s[i] + b1[: w1s[i].shape[1]])",
        SHARDS,
        GENERIC,
        UNEVEN,
    ),
    mutant(
        "slices of h // n",
        "    w1s = torch.tensor_split(w1, n, dim=1)\n    b1s = torch.tensor_split(b1, n)\n"
        "    w2s = torch.tensor_split(w2, n, dim=0)\n",
        "    s = w1.shape[1] // n\n    w1s = [w1[:, i * s:(i + 1) * s] for i in range(n)]\n"
        "    b1s = [b1[i * s:(i + 1) * s] for i in range(n)]\n    w2s = [w2[i * s:(i + 1) * s] for i in range(n)]\n",
        UNEVEN,
    ),
]
