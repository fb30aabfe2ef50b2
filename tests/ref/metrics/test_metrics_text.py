"""SQuAD EM/F1 on the official script's rules, distinct-n, and self-BLEU vs sacrebleu."""

import pytest
import sacrebleu
from numpy.testing import assert_allclose

from mldrill.ref.metrics.text import distinct_n, exact_match, normalize_answer, self_bleu, token_f1


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
