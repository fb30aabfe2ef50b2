"""GloVe loss/gradients vs torch autograd, the weighting function, and fitting a toy co-occurrence matrix."""

import numpy as np
import torch
from numpy.testing import assert_allclose

from mldrill.ref.nlp.glove import GloVe, cooccurrence, glove_loss_grads, glove_weight


def test_weight_is_capped_at_one():
    assert_allclose(glove_weight(np.array([1.0, 50.0, 100.0, 1e4])), [0.01**0.75, 0.5**0.75, 1.0, 1.0], rtol=1e-14)


def test_loss_and_gradients_match_autograd_only_nonzero_entries():
    rng = np.random.default_rng(0)
    V, d = 6, 3
    X = rng.integers(0, 4, size=(V, V)).astype(float) * rng.uniform(0.5, 200, size=(V, V))
    W, Wt, b, bt = rng.normal(size=(V, d)), rng.normal(size=(V, d)), rng.normal(size=V), rng.normal(size=V)
    loss, gW, gWt, gb, gbt = glove_loss_grads(W, Wt, b, bt, X)
    tW, tWt, tb, tbt = (torch.tensor(a, requires_grad=True) for a in (W, Wt, b, bt))
    tX = torch.tensor(X)
    nz = tX > 0
    err = tW @ tWt.T + tb[:, None] + tbt[None, :] - torch.log(torch.where(nz, tX, torch.ones_like(tX)))
    ref = (torch.clamp((tX / 100.0) ** 0.75, max=1.0)[nz] * err[nz] ** 2).sum()
    ref.backward()
    assert_allclose(loss, ref.item(), rtol=1e-12)
    for ours, t in ((gW, tW), (gWt, tWt), (gb, tb), (gbt, tbt)):
        assert_allclose(ours, t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_cooccurrence_is_symmetric_and_distance_weighted():
    X = cooccurrence([["a", "b", "c"]], {"a": 0, "b": 1, "c": 2}, window=2)
    assert_allclose(X, [[0, 1, 0.5], [1, 0, 1], [0.5, 1, 0]], rtol=0)


def test_fit_reduces_loss_and_groups_words():
    groups = [[f"{g}{i}" for i in range(4)] for g in ("a", "b", "c")]
    rng = np.random.default_rng(1)
    corpus = [list(rng.choice(groups[rng.integers(3)], size=6)) for _ in range(300)]
    vocab = {w: i for i, w in enumerate(sorted({w for s in corpus for w in s}))}
    X = cooccurrence(corpus, vocab, window=2)
    m = GloVe(dim=6, epochs=300, lr=0.1, x_max=10.0).fit(X)
    assert m.loss_curve_[-1] < 0.05 * m.loss_curve_[0]
    V = m.vectors_ / np.linalg.norm(m.vectors_, axis=1, keepdims=True)
    S = V @ V.T
    words = sorted(vocab, key=vocab.get)
    same = [S[i, j] for i in range(12) for j in range(12) if i != j and words[i][0] == words[j][0]]
    diff = [S[i, j] for i in range(12) for j in range(12) if words[i][0] != words[j][0]]
    assert np.mean(same) > np.mean(diff) + 0.3
