"""Classic wrong InfoNCE losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def info_nce(q, k, *, tau=0.07, normalize=True):
    if normalize:
        q = q / q.norm(dim=-1, keepdim=True)
        k = k / k.norm(dim=-1, keepdim=True)
    logits = q @ k.T / tau  # (N, N): row i holds query i against every key
    logp = torch.log_softmax(logits, dim=-1)
    return -logp.diagonal().mean()
"""

GENERIC = "matches cross-entropy over the similarity matrix"
NORM = "L2-normalizes each row before the dot product"
TAU = "divides by tau"
RAW = "raw dot products when normalize=False"
FINITE = "finite for a tiny temperature"
DIRECTION = "query i against every key: rows of q k^T"

MUTANTS = [
    mutant(
        "no normalization",
        "    if normalize:\n"
        "        q = q / q.norm(dim=-1, keepdim=True)\n"
        "        k = k / k.norm(dim=-1, keepdim=True)\n",
        "",
        NORM,
        GENERIC,
        DIRECTION,
    ),
    mutant(
        "normalized along the batch axis",
        "        q = q / q.norm(dim=-1, keepdim=True)\n        k = k / k.norm(dim=-1, keepdim=True)",
        "        q = q / q.norm(dim=0, keepdim=True)\n        k = k / k.norm(dim=0, keepdim=True)",
        NORM,
        GENERIC,
        DIRECTION,
        TAU,
        FINITE,
    ),
    mutant("temperature multiplied", "q @ k.T / tau", "q @ k.T * tau", TAU, GENERIC, DIRECTION, FINITE),
    mutant(
        "log of the softmax",
        "torch.log_softmax(logits, dim=-1)",
        "torch.log(torch.softmax(logits, dim=-1))",
        FINITE,
    ),
    mutant("normalize flag ignored", "    if normalize:\n", "    if True:\n", RAW),
    mutant(
        "softmax over the queries",
        "torch.log_softmax(logits, dim=-1)",
        "torch.log_softmax(logits, dim=0)",
        DIRECTION,
        GENERIC,
    ),
    mutant(
        "CLIP's symmetric loss",
        "    return -logp.diagonal().mean()",
        "    logp_t = torch.log_softmax(logits.T, dim=-1)\n"
        "    return -(logp.diagonal().mean() + logp_t.diagonal().mean()) / 2",
        DIRECTION,
        GENERIC,
    ),
    mutant("SimCLR's temperature as the default", "tau=0.07", "tau=0.1", "default temperature 0.07"),
    mutant(
        "sum over the batch instead of the mean",
        "-logp.diagonal().mean()",
        "-logp.diagonal().sum()",
        GENERIC,
        # N > 1 in every check, so every loss is N times too large
        NORM,
        TAU,
        RAW,
        FINITE,
        DIRECTION,
    ),
]
