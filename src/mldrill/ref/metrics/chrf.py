"""chrF and chrF++ (Popovic, 2015/2017) with sacrebleu's conventions.

For each character n-gram order n = 1..6 (whitespace removed) and, for chrF++, word n-gram orders 1..2:
precision and recall of clipped n-gram matches, with statistics summed over the corpus. The score is the F_beta
(beta = 2: recall weighted more) of the precision and recall *averaged over the orders* that have both hypothesis
and reference n-grams (sacrebleu >= 2's default; `eps_smoothing=True` instead averages the per-order F scores with
an epsilon for empty orders, as chrF++.py, Moses and NLTK do). With several references, each segment keeps the
statistics of the reference that gives it the best F score. Word n-grams split a single leading or trailing
punctuation mark off each word.
Traps: character n-grams make chrF robust to morphology and tokenization (unlike BLEU); beta = 2 is the
standard; corpus chrF is computed from pooled statistics, not averaged per sentence.
Tested against sacrebleu.corpus_chrf / sentence_chrf in tests/ref/metrics/test_metrics_chrf.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

_PUNCTS = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _char_ngrams(s: str, n: int) -> Counter[str]:
    s = "".join(s.split())
    return Counter(s[i : i + n] for i in range(len(s) - n + 1))


def _words(s: str) -> list[str]:
    out = []
    for w in s.split():
        if len(w) > 1 and w[-1] in _PUNCTS:
            out += [w[:-1], w[-1]]
        elif len(w) > 1 and w[0] in _PUNCTS:
            out += [w[0], w[1:]]
        else:
            out.append(w)
    return out


def _word_ngrams(words: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def _all_ngrams(s: str, char_order: int, word_order: int) -> list[Counter]:
    grams: list[Counter] = [_char_ngrams(s, n) for n in range(1, char_order + 1)]
    words = _words(s)
    grams += [_word_ngrams(words, n) for n in range(1, word_order + 1)]
    return grams


def _stats(hyp: list[Counter], ref: list[Counter]) -> list[int]:
    out = []
    for h, r in zip(hyp, ref, strict=True):
        match = sum(min(c, r[g]) for g, c in h.items() if g in r)
        out += [sum(h.values()) if r else 0, sum(r.values()), match]  # (n_hyp, n_ref, n_match)
    return out


def f_score(stats: Sequence[int], *, beta: float = 2.0, eps_smoothing: bool = False) -> float:
    eps, factor = 1e-16, beta**2
    score = avg_p = avg_r = 0.0
    orders = 0
    n_orders = len(stats) // 3
    for i in range(n_orders):
        n_hyp, n_ref, n_match = stats[3 * i : 3 * i + 3]
        p = n_match / n_hyp if n_hyp > 0 else eps
        r = n_match / n_ref if n_ref > 0 else eps
        denom = factor * p + r
        score += (1 + factor) * p * r / denom if denom > 0 else eps
        if n_hyp > 0 and n_ref > 0:
            avg_p, avg_r, orders = avg_p + p, avg_r + r, orders + 1
    if eps_smoothing:
        return 100 * score / n_orders
    if orders == 0:
        return 0.0
    avg_p, avg_r = avg_p / orders, avg_r / orders
    if avg_p + avg_r == 0:
        return 0.0
    return 100 * (1 + factor) * avg_p * avg_r / (factor * avg_p + avg_r)


def corpus_chrf(
    hyps: Sequence[str],
    refs: Sequence[Sequence[str]],
    *,
    char_order: int = 6,
    word_order: int = 0,
    beta: float = 2.0,
    lowercase: bool = False,
    eps_smoothing: bool = False,
) -> float:
    """refs: reference streams, refs[k][i] the k-th reference of segment i (sacrebleu's layout). Score in 0-100."""
    total = [0] * (3 * (char_order + word_order))
    prep = (lambda s: s.lower()) if lowercase else (lambda s: s)
    for i, h in enumerate(hyps):
        hg = _all_ngrams(prep(h), char_order, word_order)
        best, best_f = None, -1.0
        for stream in refs:
            st = _stats(hg, _all_ngrams(prep(stream[i]), char_order, word_order))
            f = f_score(st, beta=beta, eps_smoothing=eps_smoothing)
            if f > best_f:
                best, best_f = st, f
        assert best is not None
        total = [a + b for a, b in zip(total, best, strict=True)]
    return f_score(total, beta=beta, eps_smoothing=eps_smoothing)
