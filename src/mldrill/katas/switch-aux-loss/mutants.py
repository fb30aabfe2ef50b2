"""Classic wrong Switch router losses, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def switch_router_losses(logits):
    T, E = logits.shape
    probs = torch.softmax(logits, dim=-1)
    f = torch.bincount(probs.argmax(dim=-1), minlength=E).to(probs.dtype) / T
    P = probs.mean(dim=0)
    aux = E * (f * P).sum()
    z = torch.logsumexp(logits, dim=-1).pow(2).mean()
    return aux, z
"""

GENERIC = "matches the Switch aux loss and z-loss on random logits"

MUTANTS = [
    mutant(
        "f from the probabilities",
        "f = torch.bincount(probs.argmax(dim=-1), minlength=E).to(probs.dtype) / T",
        "f = probs.mean(dim=0)",
        "f counts the argmax dispatches, not probabilities",
        GENERIC,
        "router probabilities: softmax over each token's experts",
        "finite for logits in the thousands",
    ),
    mutant(
        "no factor E",
        "aux = E * (f * P).sum()",
        "aux = (f * P).sum()",
        "aux is 1 when the router probabilities are uniform",
        GENERIC,
        "f counts the argmax dispatches, not probabilities",
        "router probabilities: softmax over each token's experts",
        "finite for logits in the thousands",
    ),
    mutant(
        "softmax over the tokens",
        "probs = torch.softmax(logits, dim=-1)",
        "probs = torch.softmax(logits, dim=0)",
        "router probabilities: softmax over each token's experts",
        GENERIC,
        "f counts the argmax dispatches, not probabilities",
        "aux is 1 when the router probabilities are uniform",
        "finite for logits in the thousands",
    ),
    mutant(
        "the max instead of logsumexp",
        "z = torch.logsumexp(logits, dim=-1).pow(2).mean()",
        "z = logits.max(dim=-1).values.pow(2).mean()",
        "the z-loss uses logsumexp, not the max",
        GENERIC,
        "the z-loss squares each token's log-partition, then averages",
        "finite for logits in the thousands",
    ),
    mutant(
        "the mean squared after averaging",
        "z = torch.logsumexp(logits, dim=-1).pow(2).mean()",
        "z = torch.logsumexp(logits, dim=-1).mean().pow(2)",
        "the z-loss squares each token's log-partition, then averages",
        GENERIC,
        "the z-loss uses logsumexp, not the max",
        "finite for logits in the thousands",
    ),
    mutant(
        "log of a sum of exps",
        "z = torch.logsumexp(logits, dim=-1).pow(2).mean()",
        "z = torch.log(torch.exp(logits).sum(dim=-1)).pow(2).mean()",
        "finite for logits in the thousands",
    ),
    mutant(
        "f as raw counts, not fractions of T",
        "f = torch.bincount(probs.argmax(dim=-1), minlength=E).to(probs.dtype) / T",
        "f = torch.bincount(probs.argmax(dim=-1), minlength=E).to(probs.dtype)",
        "aux is 1 when the router probabilities are uniform",
        GENERIC,
        "f counts the argmax dispatches, not probabilities",
        "router probabilities: softmax over each token's experts",
        "finite for logits in the thousands",
    ),
]
