"""Classic wrong batch-hard triplet losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def batch_hard_triplet(emb, labels, *, margin=0.2):
    d = torch.cdist(emb, emb)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    pos_d, pos_i = torch.where(same & ~eye, d, torch.full_like(d, -float("inf"))).max(1)
    neg_d, neg_i = torch.where(~same, d, torch.full_like(d, float("inf"))).min(1)
    terms = torch.clamp(pos_d - neg_d + margin, min=0)
    return terms.mean(), pos_i, neg_i
"""

GENERIC = "matches the batch-hard triplet loss and its pairs"

MUTANTS = [
    mutant(
        "nearest positive",
        'torch.full_like(d, -float("inf"))).max(1)',
        'torch.full_like(d, float("inf"))).min(1)',
        "the hardest positive is the FARTHEST same-label example",
        GENERIC,
    ),
    mutant(
        "farthest negative",
        'torch.where(~same, d, torch.full_like(d, float("inf"))).min(1)',
        'torch.where(~same, d, torch.full_like(d, -float("inf"))).max(1)',
        "the hardest negative is the NEAREST other-label example",
        GENERIC,
        "negatives come from other labels only",  # the farthest negative differs there too
        "the mean is over all anchors",
    ),
    mutant(
        "negatives of any label",
        "torch.where(~same, d,",
        "torch.where(~eye, d,",
        "negatives come from other labels only",
        GENERIC,
        "easy triplets contribute exactly 0",  # easy means tight clusters: a same-label 'negative' makes them hard
        "the mean is over all anchors",
    ),
    mutant(
        "no hinge",
        "terms = torch.clamp(pos_d - neg_d + margin, min=0)",
        "terms = pos_d - neg_d + margin",
        "easy triplets contribute exactly 0",
        GENERIC,
        "the mean is over all anchors",  # its inactive anchors turn negative too
    ),
    mutant(
        "mean over the active anchors only",
        "return terms.mean(), pos_i, neg_i",
        "return terms.sum() / (terms > 0).sum().clamp(min=1), pos_i, neg_i",
        "the mean is over all anchors",
        GENERIC,
    ),
]
