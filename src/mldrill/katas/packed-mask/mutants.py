"""Classic wrong packed-document masks, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def packed_mask(doc_ids, *, causal=True):
    t = doc_ids.shape[-1]
    blocked = doc_ids[..., :, None] != doc_ids[..., None, :]  # another document
    if causal:
        blocked = blocked | torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)  # or the future
    return blocked[:, None] if doc_ids.ndim == 2 else blocked
"""

BOTH = "block-diagonal and causal"
DOCS = "no attention across documents"
SINGLE = "a single document is the causal mask"
BATCH = "a batch gives (B, 1, T, T)"

MUTANTS = [
    mutant("blocked masks combined with AND", "blocked | torch.triu", "blocked & torch.triu", BOTH, SINGLE, BATCH),
    mutant(
        "True = keep",
        "return blocked[:, None] if doc_ids.ndim == 2 else blocked",
        "return ~blocked[:, None] if doc_ids.ndim == 2 else ~blocked",
        SINGLE,
        BOTH,  # every entry is flipped
        DOCS,
        BATCH,
    ),
    mutant(
        "no document term",
        "blocked = doc_ids[..., :, None] != doc_ids[..., None, :]",
        "blocked = torch.zeros(*doc_ids.shape, t, dtype=torch.bool)",
        DOCS,
        BOTH,  # the causal checks with several documents
        BATCH,
    ),
    mutant("the diagonal blocked", "diagonal=1)", "diagonal=0)", SINGLE, BOTH, BATCH),
    mutant("batch without the head axis", "blocked[:, None] if doc_ids.ndim == 2 else blocked", "blocked", BATCH),
]
