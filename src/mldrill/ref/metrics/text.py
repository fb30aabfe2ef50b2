"""Answer, transcription and diversity metrics: SQuAD exact match / token F1, word error rate, distinct-n, self-BLEU.

SQuAD normalization (the official evaluation script's rules): lowercase, remove punctuation, remove the articles
a / an / the, collapse whitespace. EM = normalized strings equal; token F1 = F1 of the bags of normalized tokens
(Counter intersection); with several gold answers take the max. Distinct-n = #unique n-grams / #n-grams over a set of
generations (higher = more diverse; it depends on length, so compare at equal lengths). Self-BLEU = mean BLEU of
each generation against all the others as references (high self-BLEU = low diversity).
Traps: skipping normalization makes "The Eiffel Tower." and "eiffel tower" a miss; F1 of two empty answers is 1
(both say "no answer"), of one empty answer 0.
WER = (S + D + I) / N: the word-level Levenshtein distance (substitutions, deletions, insertions, each costing 1)
over the number of reference words, pooled over the corpus as jiwer does (total edits / total reference words, not
the mean of sentence WERs). Tokens are whitespace-split, case kept. Traps: dividing by the hypothesis length;
character-level distance (that is CER); WER is not capped at 1 (insertions).
Tested on closed-form examples and against sacrebleu (self-BLEU) and nltk.edit_distance (WER) in
tests/ref/metrics/test_metrics_text.py.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

from mldrill.ref.metrics.bleu import sentence_bleu

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = set(string.punctuation)


def normalize_answer(s: str) -> str:
    s = "".join(ch for ch in s.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", s).split())


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    return float(max(normalize_answer(prediction) == normalize_answer(g) for g in golds))


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    def f1(pred: str, gold: str) -> float:
        p, g = normalize_answer(pred).split(), normalize_answer(gold).split()
        if not p or not g:
            return float(p == g)
        common = sum((Counter(p) & Counter(g)).values())
        if common == 0:
            return 0.0
        prec, rec = common / len(p), common / len(g)
        return 2 * prec * rec / (prec + rec)

    return max(f1(prediction, g) for g in golds)


def distinct_n(texts: Sequence[str], n: int = 2) -> float:
    grams = [tuple(w[i : i + n]) for t in texts for w in [t.split()] for i in range(len(w) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def self_bleu(texts: Sequence[str], *, max_n: int = 4) -> float:
    """Mean sentence BLEU (0-100, sacrebleu conventions) of each text against all the others."""
    if len(texts) < 2:
        raise ValueError("self-BLEU needs at least two texts")
    scores = [
        sentence_bleu(t, [o for j, o in enumerate(texts) if j != i], max_n=max_n).score for i, t in enumerate(texts)
    ]
    return sum(scores) / len(scores)


def squad_em_f1(prediction: str, golds: Sequence[str]) -> tuple[float, float]:
    """(exact match, token F1) with SQuAD normalization, each the max over the gold answers."""
    return exact_match(prediction, golds), token_f1(prediction, golds)


def word_edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Fewest substitutions + deletions + insertions (each costing 1) turning the word list ref into hyp."""
    prev = list(range(len(hyp) + 1))  # rolling row: distance from ref[:0] to hyp[:j] is j insertions
    for i in range(1, len(ref) + 1):
        cur = [i] + [0] * len(hyp)  # ref[:i] to nothing: i deletions
        for j in range(1, len(hyp) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ref[i - 1] != hyp[j - 1]))
        prev = cur
    return prev[-1]


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus WER: total word edits over total reference words (may exceed 1)."""
    edits = n_words = 0
    for ref, hyp in zip(references, hypotheses, strict=True):
        r, h = ref.split(), hyp.split()
        edits += word_edit_distance(r, h)
        n_words += len(r)
    if n_words == 0:
        raise ValueError("the references have no words: WER is undefined")
    return edits / n_words
