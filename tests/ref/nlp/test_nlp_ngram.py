"""N-gram LM vs nltk.lm (Laplace, Lidstone, MLE), perplexity vs torch cross-entropy, and M60/M61."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from nltk.lm import MLE, Laplace, Lidstone
from nltk.lm.preprocessing import padded_everygram_pipeline
from numpy.testing import assert_allclose

from mldrill.ref.nlp.ngram import NgramLM, add_k_prob, ngram_perplexity, perplexity

TRAIN = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"], ["the", "cat", "ran", "home"]]
TEST_CASES = [
    ("cat", ["the"]),
    ("dog", ["a"]),
    ("sat", ["cat"]),
    ("zebra", ["the"]),
    ("</s>", ["home"]),
    ("the", ["<s>"]),
    ("cat", ["unknownword"]),
]


def _nltk(model_cls, order, **kw):
    train, vocab = padded_everygram_pipeline(order, TRAIN)
    m = model_cls(order=order, **kw) if not kw else model_cls(kw["gamma"], order)
    m.fit(train, vocab)
    return m


@pytest.mark.parametrize(("k", "cls", "kw"), [(1.0, Laplace, {}), (0.3, Lidstone, {"gamma": 0.3})])
@pytest.mark.parametrize("order", [2, 3])
def test_add_k_matches_nltk(k, cls, kw, order):
    ours = NgramLM(order, k=k).fit(TRAIN)  # nltk's vocabulary counts <s>, </s> and <UNK>
    ref = _nltk(cls, order, **kw)
    assert len(ours.vocab_) == len(ref.vocab)
    for word, ctx in TEST_CASES:
        ctx = (["<s>"] * (order - 1) + ctx)[-(order - 1) :]
        assert_allclose(ours.prob(word, ctx), ref.score(word, ctx), rtol=1e-12, err_msg=f"{word}|{ctx}")


def test_mle_matches_nltk_and_unseen_bigram_gives_infinite_perplexity():
    ours, ref = NgramLM(2, k=0.0).fit(TRAIN), _nltk(MLE, 2)
    for word, ctx in TEST_CASES[:5]:
        assert_allclose(ours.prob(word, ctx), ref.score(word, ctx), rtol=1e-12)
    assert math.isinf(ours.perplexity([["the", "dog", "ran"]]))  # "dog ran" never seen
    assert math.isfinite(NgramLM(2, k=1.0).fit(TRAIN).perplexity([["the", "dog", "ran"]]))


def test_m60_add_one_depends_on_what_v_counts():
    """M60: (c + 1) / (N + V) changes with the vocabulary convention (here: whether BOS is in V)."""
    with_bos = NgramLM(2, k=1.0, vocab_includes_bos=True).fit(TRAIN)
    without = NgramLM(2, k=1.0, vocab_includes_bos=False).fit(TRAIN)
    assert len(with_bos.vocab_) == len(without.vocab_) + 1
    c, N = 2, 3  # "the cat" seen twice; "the" is followed by 3 tokens (cat, dog, cat)
    assert with_bos.prob("cat", ["the"]) == add_k_prob(c, N, len(with_bos.vocab_))
    assert without.prob("cat", ["the"]) == add_k_prob(c, N, len(without.vocab_))
    assert with_bos.prob("cat", ["the"]) != without.prob("cat", ["the"])


def test_perplexity_of_sentences_is_exp_mean_nll():
    lm = NgramLM(2, k=0.5).fit(TRAIN)
    sents = [["the", "cat", "sat"], ["a", "dog"]]
    lps = [lm.logprob_sentence(s) for s in sents]
    assert_allclose(lm.perplexity(sents), math.exp(-sum(a for a, _ in lps) / sum(b for _, b in lps)), rtol=1e-14)
    assert sum(b for _, b in lps) == 4 + 3  # words plus one EOS each, BOS never predicted


@pytest.mark.parametrize(("B", "T"), [(2, 5), (3, 3)])
def test_logit_perplexity_matches_torch_with_padding(B, T):
    rng = np.random.default_rng(0)
    V = 7
    logits = rng.normal(size=(B, T, V)) * 3
    targets = rng.integers(0, V, size=(B, T))
    targets[0, -2:] = -100  # padding
    ref = torch.exp(
        F.cross_entropy(torch.tensor(logits).reshape(-1, V), torch.tensor(targets).reshape(-1), ignore_index=-100)
    ).item()
    assert_allclose(perplexity(logits, targets), ref, rtol=1e-12)


def test_m61_zipped_fancy_index_is_the_wrong_gather():
    """M61: probs[range(B), range(T), targets] pairs the index arrays elementwise; it fails unless B == T."""
    rng = np.random.default_rng(1)
    probs = rng.random((2, 4, 5))
    targets = rng.integers(0, 5, size=(2, 4))
    with pytest.raises(IndexError):
        _ = probs[range(2), range(4), targets]
    right = probs[np.arange(2)[:, None], np.arange(4)[None, :], targets]
    assert_allclose(right, np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0], rtol=0)
    sq = rng.random((3, 3, 5))
    t3 = rng.integers(0, 5, size=(3, 3))
    wrong = sq[range(3), range(3), t3]  # broadcasts to (3, 3) but picks the diagonal (b = t) only
    right3 = np.take_along_axis(sq, t3[..., None], axis=-1)[..., 0]
    assert not np.allclose(wrong, right3)


def test_averaging_per_batch_perplexities_is_wrong():
    """Trap: pool token NLLs across batches, then exponentiate; batches with padding have different token counts."""
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(1, 6, 5)) * 2, rng.normal(size=(1, 6, 5)) * 2
    ta, tb = rng.integers(0, 5, size=(1, 6)), rng.integers(0, 5, size=(1, 6))
    tb[0, 1:] = -100  # batch b has a single real token
    pooled = perplexity(np.concatenate([a, b]), np.concatenate([ta, tb]))
    mean_of_batches = (perplexity(a, ta) + perplexity(b, tb)) / 2
    assert abs(pooled - mean_of_batches) > 0.05 * pooled


@pytest.mark.parametrize("order", [2, 3])
def test_ngram_perplexity_pools_nltk_laplace_scores_over_every_token_and_eos(order):
    test = [["the", "cat", "sat"], ["a", "dog", "ran", "fast"], ["home"]]
    ref = _nltk(Laplace, order)
    logp, count = 0.0, 0
    for sent in test:
        toks = ["<s>"] * (order - 1) + sent + ["</s>"]
        for i in range(order - 1, len(toks)):
            logp += math.log(ref.score(toks[i], toks[i - order + 1 : i]))
            count += 1
    assert_allclose(ngram_perplexity(TRAIN, test, n=order, k=1.0), math.exp(-logp / count), rtol=1e-12)
