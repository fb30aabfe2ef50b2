"""SQuAD EM/F1 on the official script's rules, distinct-n, self-BLEU vs sacrebleu, WER vs nltk.edit_distance."""

import numpy as np
import pytest
import sacrebleu
from nltk.metrics.distance import edit_distance as nltk_edit_distance
from numpy.testing import assert_allclose

from mldrill.ref.metrics.text import (
    distinct_n,
    exact_match,
    normalize_answer,
    self_bleu,
    token_f1,
    word_edit_distance,
    word_error_rate,
)


def test_squad_normalization():
    assert normalize_answer("The  Eiffel Tower!") == "eiffel tower"
    assert exact_match("the eiffel tower.", ["Eiffel Tower"]) == 1.0
    assert exact_match("Eiffel", ["Eiffel Tower", "Paris"]) == 0.0


def test_token_f1_closed_forms():
    assert token_f1("tower in paris", ["the eiffel tower"]) == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))
    assert token_f1("paris", ["Eiffel Tower", "Paris"]) == 1.0  # max over gold answers
    assert token_f1("", [""]) == 1.0 and token_f1("", ["paris"]) == 0.0
    assert token_f1("a the an", ["paris"]) == 0.0  # only articles: normalizes to empty


def test_distinct_n():
    assert distinct_n(["a b a b", "a b"], n=2) == pytest.approx(2 / 4)  # (a b), (b a), (a b), (a b)
    assert distinct_n(["x y z"], n=1) == 1.0


def test_self_bleu_equals_sacrebleu_leave_one_out():
    texts = ["the cat sat on the mat", "the cat sat on a mat", "a dog ran in the park today"]
    ref = sum(sacrebleu.sentence_bleu(t, [o for o in texts if o is not t], tokenize="none").score for t in texts) / 3
    assert_allclose(self_bleu(texts), ref, rtol=1e-12)
    assert self_bleu(["same words here"] * 3) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="two texts"):
        self_bleu(["alone"])


def test_word_error_rate_closed_forms():
    # one substitution (sat -> sit), one deletion (the), one insertion (down): 3 edits over 6 reference words
    assert word_error_rate(["the cat sat on the mat"], ["the cat sit on mat down"]) == pytest.approx(3 / 6)
    assert word_error_rate(["a b"], ["x a b y z"]) == pytest.approx(3 / 2)  # insertions: WER above 1
    assert word_error_rate(["a b c d", "e f"], ["a b c d", ""]) == pytest.approx(2 / 6)  # pooled, not averaged
    assert word_error_rate(["", "a b"], ["x", "a b"]) == pytest.approx(1 / 2)  # an empty reference: insertions count
    assert word_edit_distance(list("kitten"), list("sitting")) == 3
    with pytest.raises(ValueError, match="no words"):
        word_error_rate([""], ["a"])


@pytest.mark.parametrize("seed", range(5))
def test_word_error_rate_matches_nltk_edit_distance(seed):
    rng = np.random.default_rng(seed)
    vocab = ["alpha", "beta", "gamma", "delta", "eps"]
    refs = [" ".join(rng.choice(vocab, size=int(rng.integers(0, 12)))) for _ in range(6)]
    hyps = [" ".join(rng.choice(vocab, size=int(rng.integers(0, 12)))) for _ in range(6)]
    refs[0] = "alpha beta"  # at least one reference word
    edits = sum(nltk_edit_distance(r.split(), h.split()) for r, h in zip(refs, hyps, strict=True))
    assert word_error_rate(refs, hyps) == pytest.approx(edits / sum(len(r.split()) for r in refs), rel=1e-12)
