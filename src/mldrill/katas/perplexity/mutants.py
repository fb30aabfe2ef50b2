"""Classic wrong perplexities, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def perplexity(logits, targets, *, ignore_index=-100):
    logp = torch.log_softmax(logits, dim=-1)
    real = targets != ignore_index
    safe = torch.where(real, targets, torch.zeros_like(targets))  # any valid index where the target is ignored
    nll = -logp.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return float(torch.exp(nll[real].sum() / real.sum()))
"""

GENERIC = "matches exp(cross-entropy) on random logits"
RECT = "selects target probabilities correctly when B != T"
PADDED = "padding is masked, and the mean is over all real tokens"
CUSTOM = "uses the ignore_index argument"
BIG = "a token with probability e^-800 gives a large finite perplexity"

MUTANTS = [
    mutant(
        "log of softmax",
        "torch.log_softmax(logits, dim=-1)",
        "torch.log(torch.softmax(logits, dim=-1))",
        BIG,
    ),
    mutant(
        "softmax over the time axis",
        "torch.log_softmax(logits, dim=-1)",
        "torch.log_softmax(logits, dim=1)",
        GENERIC,
        RECT,  # every check normalizes over the wrong axis
        PADDED,
        CUSTOM,
        BIG,
    ),
    mutant(
        "indices paired elementwise",
        "nll = -logp.gather(-1, safe.unsqueeze(-1)).squeeze(-1)",
        "nll = -logp[range(logits.shape[0]), range(logits.shape[1]), safe]",
        RECT,
        GENERIC,  # a (2, 5) batch cannot broadcast (2,) with (5,) either: the call raises
        PADDED,
        CUSTOM,
    ),
    mutant(
        "mean of per-sequence means",
        "nll[real].sum() / real.sum()",
        "((nll * real).sum(1) / real.sum(1)).mean()",
        PADDED,
        CUSTOM,  # its real lengths differ too (drawn zeros are ignored there)
    ),
    mutant(
        "padding counted in the denominator",
        "nll[real].sum() / real.sum()",
        "nll[real].sum() / real.numel()",
        PADDED,
        CUSTOM,
    ),
    mutant(
        "ignore_index hard-coded to -100",
        "real = targets != ignore_index",
        "real = targets != -100",
        CUSTOM,
    ),
]
