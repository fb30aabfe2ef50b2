"""SGNS gradients vs torch autograd, the unigram^0.75 sampler by chi^2, and training on a planted-structure corpus."""

import numpy as np
import torch
import torch.nn.functional as F
from numpy.testing import assert_allclose
from scipy.stats import chisquare

from mldrill.ref.nlp.word2vec import Word2Vec, keep_probability, sgns_loss_grads, unigram_sampler


def test_sgns_gradients_match_autograd():
    rng = np.random.default_rng(0)
    u, v, negs = rng.normal(size=8), rng.normal(size=8), rng.normal(size=(5, 8))
    loss, du, dv, dn = sgns_loss_grads(u, v, negs)
    tu, tv, tn = (torch.tensor(x, requires_grad=True) for x in (u, v, negs))
    ref = -F.logsigmoid(tu @ tv) - F.logsigmoid(-(tn @ tu)).sum()
    ref.backward()
    assert_allclose(loss, ref.item(), rtol=1e-12)
    for ours, t in ((du, tu), (dv, tv), (dn, tn)):
        assert_allclose(ours, t.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_unigram_sampler_follows_counts_to_the_three_quarters():
    """chi^2 goodness of fit at alpha = 0.001 (false-failure probability 0.1%)."""
    counts = np.array([100, 30, 10, 5, 1])
    draw = unigram_sampler(counts, 0.75, rng=np.random.default_rng(1))
    n = 20_000
    observed = np.bincount(draw(n), minlength=5)
    p = counts**0.75 / (counts**0.75).sum()
    assert chisquare(observed, n * p).pvalue > 1e-3
    assert p[-1] > counts[-1] / counts.sum()  # rare words are drawn more often than their frequency


def test_subsampling_keeps_rare_words():
    keep = keep_probability(np.array([1e-6, 1e-3, 0.1]), t=1e-3)
    assert keep[0] == 1.0 and keep[1] == 1.0 and keep[2] < 0.2


def _planted_corpus(seed=0, n_sent=300):
    groups = [[f"{g}{i}" for i in range(5)] for g in ("animal", "fruit", "tool", "color")]
    rng = np.random.default_rng(seed)
    return groups, [list(rng.choice(groups[rng.integers(4)], size=8)) for _ in range(n_sent)]


def test_nearest_neighbours_recover_the_planted_groups():
    groups, corpus = _planted_corpus()
    m = Word2Vec(dim=10, window=2, negative=5, lr=0.1, epochs=8, seed=0).fit(corpus)
    assert m.loss_curve_[-1] < m.loss_curve_[0]
    hits = 0
    for g in groups:
        for w in g:
            hits += sum(n.rstrip("0123456789") == w.rstrip("0123456789") for n, _ in m.most_similar(w, 4))
    assert hits / (20 * 4) > 0.9  # random would give 4/19 ~ 0.21
