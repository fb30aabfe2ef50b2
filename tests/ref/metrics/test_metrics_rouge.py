"""ROUGE-1/2/L/Lsum vs rouge_score.RougeScorer (use_stemmer=False); P, R and F all compared (M63)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from rouge_score import rouge_scorer

from mldrill.ref.metrics.rouge import rouge_l, rouge_lsum, rouge_n, tokenize

WORDS = ["The", "cat", "sat", "on", "mat,", "a", "dog", "ran!", "it's", "42", "--"]
text = st.lists(st.sampled_from([*WORDS, "\n"]), min_size=0, max_size=15).map(" ".join)
SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=False)


@settings(max_examples=40, deadline=None)
@given(target=text, prediction=text)
def test_matches_rouge_score(target, prediction):
    ref = SCORER.score(target, prediction)
    for ours, key in [
        (rouge_n(target, prediction, 1), "rouge1"),
        (rouge_n(target, prediction, 2), "rouge2"),
        (rouge_l(target, prediction), "rougeL"),
        (rouge_lsum(target, prediction), "rougeLsum"),
    ]:
        assert_allclose(tuple(ours), tuple(ref[key]), rtol=1e-12, atol=1e-15, err_msg=key)


def test_tokenizer_lowercases_and_drops_punctuation():
    assert tokenize("It's the CAT -- 42!") == ["it", "s", "the", "cat", "42"]


def test_m63_rouge_n_reports_precision_recall_and_f_which_differ():
    """M63: ROUGE-N is not "just recall": rouge-score returns P, R, F; papers usually quote F."""
    s = rouge_n("the cat sat on the mat", "the cat", 1)
    assert s.recall == pytest.approx(2 / 6) and s.precision == 1.0
    assert s.fmeasure == pytest.approx(2 * (1.0 * 2 / 6) / (1.0 + 2 / 6))
    ref = SCORER.score("the cat sat on the mat", "the cat")["rouge1"]
    assert (s.precision, s.recall) == (ref.precision, ref.recall)


def test_rougel_and_rougelsum_differ_on_multi_sentence_text():
    target = "the cat sat\nthe dog ran"
    prediction = "the dog ran\nthe cat sat"
    assert rouge_l(target, prediction).fmeasure < 1.0  # one LCS over the whole text: order matters
    assert rouge_lsum(target, prediction).fmeasure == 1.0  # per-sentence union LCS
