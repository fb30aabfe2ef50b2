"""N-gram language models with add-k smoothing, and perplexity (from counts and from logits).

Add-k: P(w | h) = (c(h, w) + k) / (c(h) + k V); k = 1 is Laplace, k = 0 the MLE (zero for unseen n-grams, so the
perplexity of any text with an unseen n-gram is infinite). Sentences are padded with n - 1 BOS tokens and one EOS.
Perplexity = exp(-(1/N) sum log P(w_i | h_i)) over the N predicted tokens (every word and each EOS, never BOS).
From a model's logits: PPL = exp(sum of token NLLs / number of non-padding tokens), with targets shifted by one.

Traps: V is a convention (M60): does it count UNK? EOS? BOS? nltk's vocabulary counts <s>, </s> and <UNK>;
(c + 1) / (N + V) changes with each choice, so define V first (`vocab_includes_bos`). Perplexity is comparable only
under the same tokenizer; averaging per-batch perplexities is wrong (average NLLs, weighted by token counts, then
exponentiate); `probs[range(B), range(T), targets]` pairs the index arrays elementwise (and fails unless B = T):
use probs[arange(B)[:, None], arange(T)[None, :], targets] or take_along_axis (M61).
Tested against nltk.lm.Laplace / nltk.lm.MLE and torch.nn.functional.cross_entropy in tests/ref/nlp/test_nlp_ngram.py.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

BOS, EOS, UNK = "<s>", "</s>", "<UNK>"


def add_k_prob(c: float, N: float, V: int, k: float = 1.0) -> float:
    """(c + k) / (N + k V): the add-k estimate of an event seen c times out of N, with V possible outcomes."""
    return (c + k) / (N + k * V)


class NgramLM:
    def __init__(self, n: int = 2, *, k: float = 1.0, vocab_includes_bos: bool = True) -> None:
        if n < 1:
            raise ValueError("n must be >= 1")
        self.n, self.k, self.vocab_includes_bos = n, k, vocab_includes_bos

    def _pad(self, sent: Sequence[str]) -> list[str]:
        return [BOS] * (self.n - 1) + [w if w in self.vocab_ else UNK for w in sent] + [EOS]

    def fit(self, sentences: Sequence[Sequence[str]]) -> NgramLM:
        words = {w for s in sentences for w in s}
        self.vocab_ = words | {EOS, UNK} | ({BOS} if self.vocab_includes_bos else set())
        self.counts_: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for s in sentences:
            toks = self._pad(s)
            for i in range(self.n - 1, len(toks)):
                self.counts_[tuple(toks[i - self.n + 1 : i])][toks[i]] += 1
        return self

    def prob(self, word: str, context: Sequence[str]) -> float:
        ctx = tuple(context[-(self.n - 1) :]) if self.n > 1 else ()
        ctx = tuple(w if w in self.vocab_ or w == BOS else UNK for w in ctx)
        word = word if word in self.vocab_ else UNK
        c = self.counts_.get(ctx, Counter())
        total = sum(c.values())
        if self.k == 0 and total == 0:
            return 0.0
        return add_k_prob(c[word], total, len(self.vocab_), self.k)

    def logprob_sentence(self, sent: Sequence[str]) -> tuple[float, int]:
        """(sum of natural-log probabilities, number of predicted tokens) including the final EOS."""
        toks = self._pad(sent)
        total = 0.0
        for i in range(self.n - 1, len(toks)):
            p = self.prob(toks[i], toks[i - self.n + 1 : i])
            total += math.log(p) if p > 0 else -math.inf
        return total, len(toks) - (self.n - 1)

    def perplexity(self, sentences: Sequence[Sequence[str]]) -> float:
        lp, count = 0.0, 0
        for s in sentences:
            a, b = self.logprob_sentence(s)
            lp, count = lp + a, count + b
        return math.exp(-lp / count)


def perplexity(logits: np.ndarray, targets: np.ndarray, *, ignore_index: int = -100) -> float:
    """exp(total NLL / number of counted tokens). logits (B, T, V) already aligned with targets (B, T)."""
    logits = np.asarray(logits, dtype=np.float64)
    z = logits - logits.max(-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(-1, keepdims=True))  # (B, T, V)
    mask = targets != ignore_index
    safe = np.where(mask, targets, 0)
    B, T = targets.shape
    picked = log_probs[np.arange(B)[:, None], np.arange(T)[None, :], safe]  # (B, T): broadcast, not zip (M61)
    return float(np.exp(-(picked * mask).sum() / mask.sum()))


def ngram_perplexity(
    train: Sequence[Sequence[str]], test: Sequence[Sequence[str]], *, n: int = 2, k: float = 1.0
) -> float:
    """Perplexity of `test` under an add-k n-gram model fitted on `train` (the ngram-lm kata): V counts the training
    words, <s>, </s> and <UNK>; n - 1 BOS pads; every EOS is predicted; pooled over all test tokens."""
    return NgramLM(n, k=k).fit(train).perplexity(test)


def BigramLM(sentences: Sequence[Sequence[str]], *, k: float = 0.0) -> NgramLM:
    """A bigram model (MLE when k = 0, add-k otherwise) fitted on tokenized sentences."""
    return NgramLM(2, k=k).fit(sentences)
