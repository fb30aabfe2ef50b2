"""Text metrics on edited sentences (BLEU equals sacrebleu with whitespace tokens) and the contamination lab."""

import pytest
import sacrebleu
from rouge_score import rouge_scorer

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


@pytest.mark.parametrize("sentence", list(REFERENCES))
def test_rouge_blind_to_a_flipped_word_and_chrf_kinder_to_rewording(sentence: str) -> None:
    """rouge-vs-faithfulness: one changed word barely moves ROUGE-L; chrf-learned-metrics: BLEU misses synonyms and
    paraphrase, chrF's character n-grams forgive them a little. Oracles: rouge-score and sacrebleu's chrF."""
    s = text_metrics.run(sentence).numbers["scores"]
    ref = REFERENCES[sentence]
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    for name, hyp in EDITS[sentence]:
        assert abs(s[name]["ROUGE-L F1"] - 100 * scorer.score(ref, hyp)["rougeL"].fmeasure) < 1e-9, name
        assert abs(s[name]["chrF"] - sacrebleu.sentence_chrf(hyp, [ref]).score) < 1e-9, name
    n = len(ref.split())  # one word swapped in n: LCS n - 1 both ways, so F = (n - 1) / n, above 90 here
    assert abs(s["meaning flipped"]["ROUGE-L F1"] - 100 * (n - 1) / n) < 1e-9
    assert s["meaning flipped"]["ROUGE-L F1"] > 90 > 30 > s["paraphrase"]["ROUGE-L F1"]
    for name in ("synonyms", "paraphrase"):
        assert s[name]["chrF"] > s[name]["BLEU"] + 5, name


def test_thirteen_grams_miss_light_paraphrases() -> None:
    """llm-risks/contamination: a 13-gram check flags verbatim copies but misses paraphrases. Closed form: with
    every 5th word changed, every window of 13 consecutive words holds at least two changed words, so none survives."""
    f = contamination.run(items=30, seed=0).numbers["flagged"]
    assert f["verbatim"][13] == 1.0
    assert f["every 5th word changed"][13] == 0.0 and f["every 5th word changed"][5] > 0.9
    assert f["not in training"][13] < 0.2
