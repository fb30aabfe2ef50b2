"""ROUGE-N and ROUGE-L (Lin, 2004) with rouge-score's tokenization, reporting precision, recall and F1.

ROUGE-N: overlap = sum_g min(count_ref(g), count_hyp(g)); P = overlap / #hyp n-grams, R = overlap / #ref n-grams,
F = 2PR / (P + R). ROUGE-L: the same with the length of the longest common subsequence (LCS, O(mn) dynamic program).
ROUGE-Lsum: summary-level LCS: the text is split into sentences on newlines, and for each reference sentence the
union of its LCS tokens with every hypothesis sentence is counted (each token at most as often as it occurs).

Tokenization (rouge-score's default, no stemming): lowercase, replace every run of characters outside [a-z0-9] by a
space, split on whitespace. Traps (M63): "ROUGE is recall" is the original paper's framing; rouge-score reports
P, R and F and most papers quote F: compare the same field. Stemming (use_stemmer=True, Porter) changes scores;
rougeL (whole text) and rougeLsum (per sentence, newline separated) differ. Stemming is not implemented here.
Tested against rouge_score.rouge_scorer.RougeScorer in tests/ref/metrics/test_metrics_rouge.py.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple


class Score(NamedTuple):
    precision: float
    recall: float
    fmeasure: float


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def tokenize(text: str) -> list[str]:
    return [t for t in _NON_ALNUM.sub(" ", text.lower()).split() if t]


def _score(overlap: int, n_hyp: int, n_ref: int) -> Score:
    p = overlap / n_hyp if n_hyp > 0 else 0.0
    r = overlap / n_ref if n_ref > 0 else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0)


def rouge_n(target: str, prediction: str, n: int = 1) -> Score:
    t, p = tokenize(target), tokenize(prediction)
    tg = Counter(tuple(t[i : i + n]) for i in range(len(t) - n + 1))
    pg = Counter(tuple(p[i : i + n]) for i in range(len(p) - n + 1))
    overlap = sum(min(c, pg[g]) for g, c in tg.items())
    return _score(overlap, sum(pg.values()), sum(tg.values()))


def lcs_table(a: list[str], b: list[str]) -> list[list[int]]:
    T = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            T[i][j] = T[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(T[i - 1][j], T[i][j - 1])
    return T


def lcs_length(a: list[str], b: list[str]) -> int:
    return lcs_table(a, b)[-1][-1]


def rouge_l(target: str, prediction: str) -> Score:
    t, p = tokenize(target), tokenize(prediction)
    if not t or not p:
        return Score(0.0, 0.0, 0.0)
    return _score(lcs_length(t, p), len(p), len(t))


def _lcs_indices(ref: list[str], hyp: list[str]) -> list[int]:
    """Indices into ref of one LCS (rouge-score's backtracking order: prefer moving up on ties)."""
    T = lcs_table(ref, hyp)
    i, j, out = len(ref), len(hyp), []
    while i > 0 and j > 0:
        if ref[i - 1] == hyp[j - 1]:
            out.append(i - 1)
            i, j = i - 1, j - 1
        elif T[i][j - 1] > T[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return out[::-1]


def rouge_lsum(target: str, prediction: str) -> Score:
    refs = [tokenize(s) for s in target.split("\n")]
    hyps = [tokenize(s) for s in prediction.split("\n")]
    refs, hyps = [s for s in refs if s], [s for s in hyps if s]
    n_ref, n_hyp = sum(map(len, refs)), sum(map(len, hyps))
    if n_ref == 0 or n_hyp == 0:
        return Score(0.0, 0.0, 0.0)
    ref_counts = Counter(t for s in refs for t in s)
    hyp_counts = Counter(t for s in hyps for t in s)
    hits = 0
    for r in refs:
        union = sorted({i for h in hyps for i in _lcs_indices(r, h)})  # union LCS over hypothesis sentences
        for tok in (r[i] for i in union):
            if ref_counts[tok] > 0 and hyp_counts[tok] > 0:  # each token used at most as often as it occurs
                hits += 1
                ref_counts[tok] -= 1
                hyp_counts[tok] -= 1
    return _score(hits, n_hyp, n_ref)
