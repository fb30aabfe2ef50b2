"""Classic wrong label-smoothed cross-entropies, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def cross_entropy(logits, target, *, label_smoothing=0.0, ignore_index=-100):
    eps = label_smoothing
    m = logits.max(dim=-1, keepdim=True).values
    logp = logits - m - torch.log(torch.exp(logits - m).sum(dim=-1, keepdim=True))
    keep = target != ignore_index
    safe = torch.where(keep, target, torch.zeros_like(target))
    nll = -logp.gather(1, safe[:, None]).squeeze(1)
    smooth = -logp.mean(dim=-1)
    losses = ((1 - eps) * nll + eps * smooth) * keep
    return losses.sum() / keep.sum()
"""

GENERIC = "matches F.cross_entropy(label_smoothing=eps) on random logits"
EVERY = "puts eps/K on every class, the true one included (M3)"
PAD = "ignored targets add neither term and are not counted"

MUTANTS = [
    mutant(
        "eps/(K-1) on the wrong classes only",
        "smooth = -logp.mean(dim=-1)",
        "smooth = (-logp.sum(dim=-1) - nll) / (logp.shape[-1] - 1)",
        EVERY,
        GENERIC,
    ),
    mutant(
        "eps on every class, not eps/K", "smooth = -logp.mean(dim=-1)", "smooth = -logp.sum(dim=-1)", EVERY, GENERIC
    ),
    mutant(
        "log of softmax",
        "logp = logits - m - torch.log(torch.exp(logits - m).sum(dim=-1, keepdim=True))",
        "logp = torch.log(torch.exp(logits - m) / torch.exp(logits - m).sum(dim=-1, keepdim=True))",
        "finite for logits of +-1000",
    ),
    mutant(
        "smoothing term kept at ignored positions",
        "((1 - eps) * nll + eps * smooth) * keep",
        "(1 - eps) * nll * keep + eps * smooth",
        PAD,
    ),
    mutant("mean over N, padding included", "losses.sum() / keep.sum()", "losses.sum() / len(target)", PAD),
    mutant(
        "eps = 0 read as 'use the default'",
        "eps = label_smoothing",
        "eps = label_smoothing or 0.1",
        "label_smoothing = 0 is plain cross-entropy",
    ),
]
