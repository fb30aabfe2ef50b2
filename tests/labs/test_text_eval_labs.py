"""Text metrics on edited sentences (BLEU equals sacrebleu with whitespace tokens) and the contamination lab."""

import sacrebleu

from mldrill.labs import contamination, text_metrics
from mldrill.labs.text_metrics import EDITS, REFERENCES


def test_bleu_against_sacrebleu_and_the_paraphrase_penalty() -> None:
    s = text_metrics.run("attention").numbers["scores"]
    ref = REFERENCES["attention"]
    for name, hyp in EDITS["attention"]:
        assert abs(s[name]["BLEU"] - sacrebleu.sentence_bleu(hyp, [ref], tokenize="none").score) < 1e-6, name
    assert round(s["identical"]["BLEU"], 9) == 100
    assert s["meaning flipped"]["BLEU"] > 3 * s["paraphrase"]["BLEU"]
    assert s["reordered"]["ROUGE-L F1"] > s["reordered"]["BLEU"]


def test_thirteen_grams_miss_light_paraphrases() -> None:
    f = contamination.run(items=30, seed=0).numbers["flagged"]
    assert f["verbatim"][13] == 1.0
    assert f["every 5th word changed"][13] == 0.0 and f["every 5th word changed"][5] > 0.9
    assert f["not in training"][13] < 0.2
