"""chrF / chrF++ vs sacrebleu's CHRF metric (corpus level, several references)."""

import sacrebleu
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from sacrebleu.metrics import CHRF

from mldrill.ref.metrics.chrf import corpus_chrf

WORDS = ["the", "cat", "cats", "sat,", "(on)", "mat.", "a", "dog!", "The"]
sentence = st.lists(st.sampled_from(WORDS), min_size=0, max_size=10).map(" ".join)


@settings(max_examples=30, deadline=None)
@given(
    data=st.data(),
    n_seg=st.integers(1, 4),
    n_refs=st.integers(1, 2),
    word_order=st.sampled_from([0, 2]),
    eps=st.booleans(),
    lowercase=st.booleans(),
)
def test_corpus_chrf_equals_sacrebleu(data, n_seg, n_refs, word_order, eps, lowercase):
    hyps = [data.draw(sentence) for _ in range(n_seg)]
    refs = [[data.draw(sentence.filter(bool)) for _ in range(n_seg)] for _ in range(n_refs)]
    ours = corpus_chrf(hyps, refs, word_order=word_order, eps_smoothing=eps, lowercase=lowercase)
    theirs = CHRF(word_order=word_order, eps_smoothing=eps, lowercase=lowercase).corpus_score(hyps, refs).score
    assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_chrf_is_robust_to_morphology_where_bleu_is_not():
    hyp, ref = ["the cats sat"], [["the cat sat"]]
    assert corpus_chrf(hyp, ref) > 70
    assert sacrebleu.corpus_bleu(hyp, ref, tokenize="none").score < 50
