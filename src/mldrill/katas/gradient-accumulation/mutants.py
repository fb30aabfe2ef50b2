"""Classic wrong gradient-accumulation loops, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def accumulated_lm_grads(weight, micro_batches):
    w = weight.detach().clone().requires_grad_()
    n_tokens = sum(int((y != -100).sum()) for _, y in micro_batches)
    total = torch.zeros((), dtype=w.dtype)
    for x, y in micro_batches:
        logits = x @ w.T
        loss = F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100, reduction="sum") / n_tokens
        loss.backward()
        total = total + loss.detach()
    return total, w.grad
"""

GENERIC = "matches the full-batch loss and gradient"
CE = 'F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100, reduction="sum") / n_tokens'

MUTANTS = [
    mutant(
        "mean per micro-batch, divided by k",
        CE,
        "F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100) / len(micro_batches)",
        "uneven micro-batches: weight each by its tokens",
        GENERIC,
        "gradients accumulate across micro-batches",
        "the returned loss is the full-batch mean",
        "a micro-batch of only padding adds nothing",
    ),
    mutant(
        "micro-batch means summed, no 1/k",
        CE,
        "F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100)",
        "equal micro-batches: divide by the number of micro-batches",
        GENERIC,
        "uneven micro-batches: weight each by its tokens",
        "padding (-100) is not a token",
        "gradients accumulate across micro-batches",
        "the returned loss is the full-batch mean",
        "a micro-batch of only padding adds nothing",
    ),
    mutant(
        "each micro-batch's mean weighted by its token share (NaN on an all-padding micro-batch)",
        CE,
        "F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100) * int((y != -100).sum()) / n_tokens",
        "a micro-batch of only padding adds nothing",
    ),
    mutant(
        "padding counted as tokens",
        "n_tokens = sum(int((y != -100).sum()) for _, y in micro_batches)",
        "n_tokens = sum(y.numel() for _, y in micro_batches)",
        "padding (-100) is not a token",
        GENERIC,
        "the returned loss is the full-batch mean",
        "a micro-batch of only padding adds nothing",
    ),
    mutant(
        "grads reset every micro-batch",
        "        loss.backward()",
        "        w.grad = None\n        loss.backward()",
        "gradients accumulate across micro-batches",
        GENERIC,
        "equal micro-batches: divide by the number of micro-batches",
        "uneven micro-batches: weight each by its tokens",
        "padding (-100) is not a token",
        "a micro-batch of only padding adds nothing",
    ),
    mutant(
        "the loss reported as the mean of micro-batch means",
        "total = total + loss.detach()",
        "total = total + F.cross_entropy(logits.detach().flatten(0, 1), y.flatten(), ignore_index=-100) "
        "/ len(micro_batches)",
        "the returned loss is the full-batch mean",
        GENERIC,
        "uneven micro-batches: weight each by its tokens",
        "a micro-batch of only padding adds nothing",
    ),
]
