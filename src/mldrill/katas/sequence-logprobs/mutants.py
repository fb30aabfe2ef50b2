"""Classic wrong sequence log-probabilities, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def sequence_logprobs(logits, labels, *, ignore_index=-100):
    logits = logits[:, :-1]
    labels = labels[:, 1:]
    logp = torch.log_softmax(logits, dim=-1)
    keep = labels != ignore_index
    safe = torch.where(keep, labels, torch.zeros_like(labels))
    tok = torch.gather(logp, 2, safe.unsqueeze(-1)).squeeze(-1)
    return (tok * keep).sum(dim=1)
"""

GENERIC = "matches the shifted cross-entropy"
SHIFT = "logits at t score the label at t + 1"
MASK = "positions labelled -100 do not count"
SUM = "the sum over tokens, not the mean"
FINITE = "finite for large logits"
IGNORE = "the ignore_index argument is honoured"

MUTANTS = [
    mutant(
        "no shift",
        "    logits = logits[:, :-1]\n    labels = labels[:, 1:]\n",
        "",
        SHIFT,
        GENERIC,
        MASK,
        SUM,
        FINITE,
        IGNORE,
    ),
    Mutant(
        "shifted the wrong way",
        (("logits = logits[:, :-1]", "logits = logits[:, 1:]"), ("labels = labels[:, 1:]", "labels = labels[:, :-1]")),
        SHIFT,
        (GENERIC, MASK, SUM, FINITE, IGNORE),
    ),
    Mutant(
        "ignored labels clamped to 0 and counted",
        (
            ("safe = torch.where(keep, labels, torch.zeros_like(labels))", "safe = labels.clamp(min=0)"),
            ("(tok * keep).sum(dim=1)", "tok.sum(dim=1)"),
        ),
        MASK,
        (GENERIC, SUM, IGNORE),
    ),
    Mutant(
        "mask taken before the shift",
        (
            ("    labels = labels[:, 1:]\n", ""),
            ("keep = labels != ignore_index", "keep = labels[:, :-1] != ignore_index\n    labels = labels[:, 1:]"),
        ),
        MASK,
        (GENERIC, SUM, FINITE, IGNORE),
    ),
    mutant(
        "mean over the kept tokens",
        "(tok * keep).sum(dim=1)",
        "(tok * keep).sum(dim=1) / keep.sum(dim=1)",
        SUM,
        GENERIC,
        SHIFT,
        MASK,
        FINITE,
        IGNORE,
    ),
    mutant(
        "log of softmax",
        "torch.log_softmax(logits, dim=-1)",
        "torch.log(torch.softmax(logits, dim=-1))",
        FINITE,
    ),
    mutant(
        "summed over the whole batch",
        "(tok * keep).sum(dim=1)",
        "(tok * keep).sum()",
        GENERIC,
        SHIFT,
        MASK,
        SUM,
        FINITE,
        IGNORE,
    ),
    Mutant(
        "ignore_index hard-coded to -100",
        (
            ("keep = labels != ignore_index", "keep = labels != -100"),
            ("safe = torch.where(keep, labels, torch.zeros_like(labels))", "safe = labels.clamp(min=0)"),
        ),
        IGNORE,
        (),
    ),
]
