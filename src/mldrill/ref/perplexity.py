"""Per-token negative log-likelihood and perplexity.

    PPL = exp( (1/N) sum_t -log p(x_t | x_<t) ),  N = number of counted (non-ignored) target tokens

The mean is over tokens, not over sequences: averaging per-sequence perplexities (or per-sequence mean losses of
unequal length) gives a different, length-biased number. Targets equal to `ignore_index` (-100, as in
F.cross_entropy) are skipped.

Indexing trap (M61): `probs[range(B), range(T), targets]` pairs the three index arrays elementwise (and fails unless
B = T); the target probability of every (b, t) needs broadcast indices `probs[arange(B)[:, None], arange(T)[None, :],
targets]` or `gather`, as below. Tested against exp(F.cross_entropy) (tests/ref/test_perplexity.py).
"""

from __future__ import annotations

import math

import torch


def token_nll(logits: torch.Tensor, targets: torch.Tensor, *, ignore_index: int = -100) -> torch.Tensor:
    """logits (B, T, V), targets (B, T) -> -log p(target) (B, T), with 0 at ignored positions."""
    logp = torch.log_softmax(logits.double(), dim=-1)  # (B, T, V), LogSumExp-stable
    keep = targets != ignore_index
    safe = torch.where(keep, targets, 0)
    nll = -torch.gather(logp, -1, safe.unsqueeze(-1)).squeeze(-1)  # (B, T)
    return nll * keep


def perplexity(logits: torch.Tensor, targets: torch.Tensor, *, ignore_index: int = -100) -> float:
    n = int((targets != ignore_index).sum())
    if n == 0:
        raise ValueError("no target tokens to score (all are ignore_index)")
    return math.exp(float(token_nll(logits, targets, ignore_index=ignore_index).sum()) / n)


def perplexity_from_loss(mean_token_loss: float) -> float:
    """exp of a mean token cross-entropy in nats (bits: use 2 ** loss)."""
    return math.exp(mean_token_loss)
