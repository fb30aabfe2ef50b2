"""Classic wrong repetition penalties, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def repetition_penalty(logits, prev_ids, penalty):
    seen = torch.gather(logits, 1, prev_ids)  # (B, T): the logit of every generated id, repeats included
    seen = torch.where(seen > 0, seen / penalty, seen * penalty)
    return logits.scatter(1, prev_ids, seen)  # a repeated id writes the same value twice: penalized once
"""

GENERIC = "matches the HF rule on random logits"
NEGATIVE = "negative logits are multiplied, not divided"
ONCE = "a repeated token is penalized once"
ROWS = "each row uses its own history"

MUTANTS = [
    mutant(
        "divides every seen logit, negatives too",
        "torch.where(seen > 0, seen / penalty, seen * penalty)",
        "seen / penalty",
        NEGATIVE,
        GENERIC,
        ONCE,
    ),
    mutant(
        "signs swapped: positives multiplied, negatives divided",
        "seen > 0",
        "seen < 0",
        NEGATIVE,
        GENERIC,
        ONCE,
        ROWS,
    ),
    mutant(
        "penalized once per occurrence",
        """    seen = torch.gather(logits, 1, prev_ids)  # (B, T): the logit of every generated id, repeats included
    seen = torch.where(seen > 0, seen / penalty, seen * penalty)
    return logits.scatter(1, prev_ids, seen)  # a repeated id writes the same value twice: penalized once""",
        """    out = logits.clone()
    for b in range(prev_ids.shape[0]):
        for v in prev_ids[b].tolist():
            z = out[b, v]
            out[b, v] = z / penalty if z > 0 else z * penalty
    return out""",
        ONCE,
        GENERIC,
    ),
    mutant(
        "every row penalized by the ids of all rows",
        """    seen = torch.gather(logits, 1, prev_ids)  # (B, T): the logit of every generated id, repeats included
    seen = torch.where(seen > 0, seen / penalty, seen * penalty)
    return logits.scatter(1, prev_ids, seen)""",
        """    ids = prev_ids.reshape(1, -1).expand(logits.shape[0], -1)  # (B, B*T)
    seen = torch.gather(logits, 1, ids)
    seen = torch.where(seen > 0, seen / penalty, seen * penalty)
    return logits.scatter(1, ids, seen)""",
        ROWS,
        GENERIC,
    ),
    mutant(
        "penalizes the input logits in place",
        "return logits.scatter(1, prev_ids, seen)",
        "return logits.scatter_(1, prev_ids, seen)",
        "leaves the input logits unchanged",
    ),
    mutant(
        "subtracts the penalty (an additive presence penalty)",
        "torch.where(seen > 0, seen / penalty, seen * penalty)",
        "seen - penalty",
        GENERIC,
        NEGATIVE,
        ONCE,
        ROWS,
    ),
]
