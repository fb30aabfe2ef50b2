"""BLEU vs sacrebleu with tokenize='none' (whitespace), every smoothing method, corpus and sentence level."""

import numpy as np
import pytest
import sacrebleu
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from mldrill.ref.metrics.bleu import bleu_score, corpus_bleu, sentence_bleu

WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "The", "."]
sentence = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join)


def _sacre_corpus(hyps, refs, **kw):
    return sacrebleu.corpus_bleu(hyps, refs, tokenize="none", **kw)


@settings(max_examples=30, deadline=None)
@given(
    data=st.data(),
    n_seg=st.integers(1, 5),
    n_refs=st.integers(1, 3),
    smooth=st.sampled_from(["none", "floor", "add-k", "exp"]),
    lowercase=st.booleans(),
)
def test_corpus_bleu_equals_sacrebleu(data, n_seg, n_refs, smooth, lowercase):
    hyps = [data.draw(sentence) for _ in range(n_seg)]
    refs = [[data.draw(sentence.filter(bool)) for _ in range(n_seg)] for _ in range(n_refs)]
    ours = corpus_bleu(hyps, refs, smooth_method=smooth, lowercase=lowercase)
    theirs = _sacre_corpus(hyps, refs, smooth_method=smooth, lowercase=lowercase)
    assert_allclose(ours.score, theirs.score, rtol=1e-12, atol=1e-12)
    assert_allclose(ours.bp, theirs.bp, rtol=1e-12)
    assert (ours.sys_len, ours.ref_len) == (theirs.sys_len, theirs.ref_len)


@settings(max_examples=30, deadline=None)
@given(
    hyp=sentence,
    refs=st.lists(sentence.filter(bool), min_size=1, max_size=3),
    smooth=st.sampled_from(["none", "floor", "add-k", "exp"]),
)
def test_sentence_bleu_equals_sacrebleu(hyp, refs, smooth):
    ours = sentence_bleu(hyp, refs, smooth_method=smooth)
    theirs = sacrebleu.sentence_bleu(hyp, refs, tokenize="none", smooth_method=smooth)
    assert_allclose(ours.score, theirs.score, rtol=1e-12, atol=1e-12)


def test_corpus_bleu_is_not_the_mean_of_sentence_bleu():
    hyps = ["the cat sat on the mat", "a dog"]
    refs = [["the cat sat on the mat", "a dog ran on the mat"]]
    corpus = corpus_bleu(hyps, refs).score
    mean_sent = np.mean([sentence_bleu(h, [r]).score for h, r in zip(hyps, refs[0], strict=True)])
    assert abs(corpus - mean_sent) > 1.0
    assert_allclose(corpus, _sacre_corpus(hyps, refs).score, rtol=1e-12)


def test_counts_are_clipped_by_the_reference():
    # "the the the the" against "the cat": unigram precision is 1/4, not 4/4.
    r = corpus_bleu(["the the the the"], [["the cat"]], smooth_method="none")
    assert_allclose(r.precisions[0], 25.0, rtol=1e-15)


def test_brevity_penalty_uses_the_closest_reference_length():
    r = corpus_bleu(["the cat sat"], [["the cat sat on the mat"], ["the cat sat on"]])
    assert r.ref_len == 4  # closest to 3 of {6, 4}
    assert_allclose(r.bp, np.exp(1 - 4 / 3), rtol=1e-15)
    tie = corpus_bleu(["a b c d"], [["a b c"], ["a b c d e"]])
    assert tie.ref_len == 3  # equally close: the shorter reference


def test_tokenization_matters_13a_differs_from_whitespace():
    hyp, ref = ["Hello, world!"], [["Hello , world !"]]
    ours = corpus_bleu(hyp, ref).score
    assert ours < 50
    assert sacrebleu.corpus_bleu(hyp, ref).score == pytest.approx(100.0)  # 13a splits the punctuation
    assert_allclose(ours, _sacre_corpus(hyp, ref).score, rtol=1e-12)


def test_reference_streams_must_align():
    with pytest.raises(ValueError, match="reference stream"):
        corpus_bleu(["a", "b"], [["a"]])


@settings(max_examples=30, deadline=None)
@given(data=st.data(), n_seg=st.integers(1, 5), n_refs=st.integers(1, 3), max_n=st.integers(1, 4))
def test_bleu_score_per_segment_refs_equals_sacrebleu_without_smoothing(data, n_seg, n_refs, max_n):
    hyps = [data.draw(sentence) for _ in range(n_seg)]
    per_segment = [[data.draw(sentence.filter(bool)) for _ in range(n_refs)] for _ in range(n_seg)]
    streams = [list(s) for s in zip(*per_segment, strict=True)]
    theirs = sacrebleu.metrics.BLEU(tokenize="none", smooth_method="none", max_ngram_order=max_n)
    assert_allclose(bleu_score(hyps, per_segment, max_n=max_n), theirs.corpus_score(hyps, streams).score, atol=1e-12)
