"""Classic wrong cross-entropies, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def cross_entropy(logits, target, *, ignore_index=-100):
    m = logits.max(dim=-1, keepdim=True).values
    lse = m.squeeze(-1) + torch.log(torch.exp(logits - m).sum(dim=-1))
    keep = target != ignore_index
    safe = torch.where(keep, target, torch.zeros_like(target))
    picked = logits.gather(1, safe[:, None]).squeeze(1)
    losses = (lse - picked) * keep
    return losses.sum() / keep.sum()
"""

PAD = "skips targets equal to -100 and averages over the rest"

MUTANTS = [
    mutant(
        "no max subtraction in logsumexp",
        "lse = m.squeeze(-1) + torch.log(torch.exp(logits - m).sum(dim=-1))",
        "lse = torch.log(torch.exp(logits).sum(dim=-1))",
        "finite for logits of +-1000",
    ),
    mutant(
        "log of softmax",
        "    losses = (lse - picked) * keep\n",
        "    p = torch.exp(logits - m) / torch.exp(logits - m).sum(dim=-1, keepdim=True)\n"
        "    losses = -torch.log(p.gather(1, safe[:, None]).squeeze(1)) * keep\n",
        "a confidently wrong prediction gives a large finite loss, not inf",
    ),
    mutant("mean over N, padding included", "losses.sum() / keep.sum()", "losses.sum() / len(target)", PAD),
    mutant("padded positions still summed", "losses = (lse - picked) * keep", "losses = lse - picked", PAD),
    mutant(
        "ignore_index hard-coded to -100",
        "keep = target != ignore_index",
        "keep = target != -100",
        "uses the ignore_index argument",
    ),
]
