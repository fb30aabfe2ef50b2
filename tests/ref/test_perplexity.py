"""Perplexity vs exp(F.cross_entropy); the M61 indexing trap."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mldrill.ref.perplexity import perplexity, perplexity_from_loss, token_nll


def data(B=3, T=5, V=7, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(B, T, V, dtype=torch.float64, generator=g), torch.randint(0, V, (B, T), generator=g)


def test_perplexity_is_exp_of_mean_token_cross_entropy():
    logits, tgt = data()
    ce = F.cross_entropy(logits.reshape(-1, 7), tgt.reshape(-1))
    assert perplexity(logits, tgt) == pytest.approx(math.exp(ce.item()), rel=1e-12)
    assert perplexity_from_loss(ce.item()) == pytest.approx(perplexity(logits, tgt), rel=1e-12)


def test_ignore_index_is_skipped_and_mean_is_over_tokens():
    logits, tgt = data()
    tgt[0, 2:] = -100
    ce = F.cross_entropy(logits.reshape(-1, 7), tgt.reshape(-1), ignore_index=-100)
    assert perplexity(logits, tgt) == pytest.approx(math.exp(ce.item()), rel=1e-12)
    per_seq = [
        math.exp(token_nll(logits[b : b + 1], tgt[b : b + 1]).sum().item() / (tgt[b] != -100).sum().item())
        for b in range(3)
    ]
    assert np.mean(per_seq) != pytest.approx(perplexity(logits, tgt), rel=1e-6)  # mean of PPLs is another number


def test_uniform_model_has_perplexity_v():
    logits = torch.zeros(2, 4, 11, dtype=torch.float64)
    assert perplexity(logits, torch.zeros(2, 4, dtype=torch.long)) == pytest.approx(11.0, rel=1e-12)


def test_fancy_indexing_pairs_elementwise_M61():
    logits, tgt = data(B=3, T=3)
    probs = torch.softmax(logits, -1).numpy()
    t = tgt.numpy()
    right = probs[np.arange(3)[:, None], np.arange(3)[None, :], t]  # (B, T)
    wrong = probs[range(3), range(3), t]  # pairs (0,0), (1,1), (2,2) with each column of t: not what we want
    np.testing.assert_allclose(-np.log(right), token_nll(logits, tgt).numpy(), rtol=1e-12)
    assert wrong.shape == (3, 3) and not np.allclose(wrong, right)
    with pytest.raises(IndexError):
        probs4 = torch.softmax(data(B=2, T=4)[0], -1).numpy()
        probs4[range(2), range(4), data(B=2, T=4)[1].numpy()]


def test_all_ignored_is_an_error():
    logits, tgt = data()
    with pytest.raises(ValueError, match="ignore_index"):
        perplexity(logits, torch.full_like(tgt, -100))
