"""word2vec skip-gram with negative sampling (SGNS; Mikolov et al., 2013), in NumPy with hand-written gradients.

For a centre word c with input vector u = W_in[c], a context word o with output vector v = W_out[o], and K negatives
n_k drawn from the unigram distribution raised to 3/4:
    loss = -log sigma(u.v) - sum_k log sigma(-u.n_k)
    dL/du = (sigma(u.v) - 1) v + sum_k sigma(u.n_k) n_k;  dL/dv = (sigma(u.v) - 1) u;  dL/dn_k = sigma(u.n_k) u.
Two separate tables (W_in for centres, W_out for contexts): with one table a word would be pushed to be similar to
itself. The 3/4 power flattens the distribution so rare words are drawn as negatives more often than their
frequency. Frequent words are subsampled: a token with corpus frequency f is kept with probability
min(1, sqrt(t / f) + t / f) (the reference C code's formula; the paper's is 1 - sqrt(t / f) discard).
Training uses mini-batches of (centre, context) pairs with np.add.at so repeated words accumulate their updates.
Tested against torch autograd, a chi^2 test of the sampler and a planted-structure corpus in
tests/ref/nlp/test_nlp_word2vec.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np


def _log_sigmoid(z: np.ndarray) -> np.ndarray:
    return np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(_log_sigmoid(z))


def sgns_loss_grads(u: np.ndarray, v: np.ndarray, negs: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Loss and gradients for one (centre u (d,), context v (d,), negatives (K, d)) triple."""
    pos = float(u @ v)
    neg = negs @ u  # (K,)
    loss = float(-_log_sigmoid(np.array(pos)) - _log_sigmoid(-neg).sum())
    gpos = _sigmoid(np.array(pos)) - 1.0
    gneg = _sigmoid(neg)  # (K,)
    return loss, gpos * v + gneg @ negs, gpos * u, gneg[:, None] * u[None, :]


def unigram_distribution(counts: Sequence[int] | np.ndarray, power: float = 0.75) -> np.ndarray:
    p = np.asarray(counts, dtype=np.float64) ** power
    return p / p.sum()


def sample_negatives(probs: np.ndarray, size: int | tuple[int, ...], *, rng: np.random.Generator) -> np.ndarray:
    """Inverse-CDF sampling of word ids from `probs`."""
    return np.searchsorted(np.cumsum(probs), rng.random(size) * probs.sum(), side="right").clip(0, len(probs) - 1)


def unigram_sampler(
    counts: Sequence[int] | np.ndarray, power: float = 0.75, *, rng: np.random.Generator
) -> Callable[[int | tuple[int, ...]], np.ndarray]:
    """draw(size) -> word ids distributed as counts^power / sum(counts^power)."""
    probs = unigram_distribution(counts, power)
    return lambda size: sample_negatives(probs, size, rng=rng)


def keep_probability(freq: np.ndarray, t: float = 1e-3) -> np.ndarray:
    f = np.asarray(freq, dtype=np.float64)
    return np.minimum(1.0, np.sqrt(t / f) + t / f)


class Word2Vec:
    def __init__(
        self,
        *,
        dim: int = 16,
        window: int = 2,
        negative: int = 5,
        lr: float = 0.05,
        epochs: int = 5,
        batch_size: int = 64,
        subsample: float | None = None,
        seed: int = 0,
    ) -> None:
        self.dim, self.window, self.negative, self.lr, self.epochs = dim, window, negative, lr, epochs
        self.batch_size, self.subsample, self.seed = batch_size, subsample, seed

    def _pairs(self, sents: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
        out = []
        for s in sents:
            if self.subsample is not None:
                s = s[rng.random(len(s)) < self.keep_[s]]
            for off in range(1, self.window + 1):
                out.append(np.stack([s[:-off], s[off:]], 1))  # (len - off, 2) centre -> right context
                out.append(np.stack([s[off:], s[:-off]], 1))  # centre -> left context
        return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)

    def fit(self, sentences: Sequence[Sequence[str]]) -> Word2Vec:
        rng = np.random.default_rng(self.seed)
        counts = Counter(w for s in sentences for w in s)
        self.vocab_ = {w: i for i, w in enumerate(sorted(counts))}
        self.index_to_word_ = sorted(counts)
        freq = np.array([counts[w] for w in self.index_to_word_], dtype=np.float64)
        self.keep_ = keep_probability(freq / freq.sum(), self.subsample or 1.0)
        probs = unigram_distribution(freq)
        V, d = len(freq), self.dim
        self.W_in_ = (rng.random((V, d)) - 0.5) / d  # small random centres
        self.W_out_ = np.zeros((V, d))  # zero contexts, as in the reference implementation
        sents = [np.array([self.vocab_[w] for w in s]) for s in sentences]
        self.loss_curve_: list[float] = []
        for _ in range(self.epochs):
            pairs = rng.permutation(self._pairs(sents, rng))
            total = 0.0
            for s in range(0, len(pairs), self.batch_size):
                c, o = pairs[s : s + self.batch_size].T
                neg = sample_negatives(probs, (len(c), self.negative), rng=rng)  # (B, K)
                u, v, n = self.W_in_[c], self.W_out_[o], self.W_out_[neg]  # (B, d), (B, d), (B, K, d)
                pos = (u * v).sum(1)  # (B,)
                negs = np.einsum("bkd,bd->bk", n, u)  # (B, K)
                total += float(-(_log_sigmoid(pos).sum() + _log_sigmoid(-negs).sum()))
                gpos = _sigmoid(pos) - 1.0  # (B,)
                gneg = _sigmoid(negs)  # (B, K)
                du = gpos[:, None] * v + np.einsum("bk,bkd->bd", gneg, n)
                np.add.at(self.W_out_, o, -self.lr * gpos[:, None] * u)
                np.add.at(self.W_out_, neg, -self.lr * gneg[:, :, None] * u[:, None, :])
                np.add.at(self.W_in_, c, -self.lr * du)
            self.loss_curve_.append(total / max(len(pairs), 1))
        return self

    def most_similar(self, word: str, k: int = 5) -> list[tuple[str, float]]:
        W = self.W_in_ / np.maximum(np.linalg.norm(self.W_in_, axis=1, keepdims=True), 1e-12)
        sims = W @ W[self.vocab_[word]]
        order = [i for i in np.argsort(-sims, kind="stable") if i != self.vocab_[word]][:k]
        return [(self.index_to_word_[i], float(sims[i])) for i in order]
