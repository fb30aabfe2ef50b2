"""BLEU (Papineni et al., 2002): corpus-level clipped n-gram precision with a brevity penalty, sacrebleu's variant.

For n = 1..N (N = 4): p_n = sum_segments sum_g min(count_hyp(g), max_r count_ref_r(g)) / sum_segments #hyp n-grams.
BP = 1 if c >= r else exp(1 - r / c), with c the total hypothesis length and r the total of each segment's
closest reference length (ties -> the shorter reference). BLEU = 100 * BP * exp(mean_n log p_n).
Smoothing (Chen & Cherry 2014), as in sacrebleu: 'none'; 'floor' (a zero count becomes smooth_value, 0.1);
'add-k' (add smooth_value, 1, to matches and totals for n > 1); 'exp' (the k-th zero precision becomes
1 / (2^k total), sacrebleu's default). `effective_order` (default for sentence BLEU) averages only over the orders
that have at least one hypothesis n-gram.

Traps: corpus BLEU is not the mean of sentence BLEUs (statistics are pooled before the ratio); counts are clipped by
the maximum count in any single reference; BLEU depends on tokenization: this module splits on whitespace, so it
equals sacrebleu with tokenize='none' (sacrebleu's default '13a' tokenizer splits punctuation first); any hypothesis
with no unigram match scores 0. Tested against sacrebleu.corpus_bleu / sentence_bleu in
tests/ref/metrics/test_metrics_bleu.py.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Smooth = Literal["none", "floor", "add-k", "exp"]
_DEFAULT_SMOOTH_VALUE = {"none": 0.0, "floor": 0.1, "add-k": 1.0, "exp": 0.0}


@dataclass
class BLEUResult:
    score: float  # 0-100
    precisions: list[float]  # 0-100, per order
    bp: float
    sys_len: int
    ref_len: int


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _closest_ref_len(hyp_len: int, ref_lens: list[int]) -> int:
    return min(ref_lens, key=lambda r: (abs(r - hyp_len), r))


def segment_stats(
    hyp: str, refs: Sequence[str], *, max_n: int = 4, lowercase: bool = False
) -> tuple[int, int, list[int], list[int]]:
    """(hyp_len, closest ref_len, matches per order, hyp n-grams per order) for one segment."""
    prep = (lambda s: s.lower()) if lowercase else (lambda s: s)
    h = prep(hyp).split()
    rs = [prep(r).split() for r in refs]
    correct, total = [0] * max_n, [0] * max_n
    for n in range(1, max_n + 1):
        hyp_counts = ngrams(h, n)
        max_ref: Counter[tuple[str, ...]] = Counter()
        for r in rs:
            for g, c in ngrams(r, n).items():
                max_ref[g] = max(max_ref[g], c)  # clip by the best single reference
        correct[n - 1] = sum(min(c, max_ref[g]) for g, c in hyp_counts.items())
        total[n - 1] = sum(hyp_counts.values())
    return len(h), _closest_ref_len(len(h), [len(r) for r in rs]), correct, total


def bleu_from_stats(
    sys_len: int,
    ref_len: int,
    correct: Sequence[float],
    total: Sequence[float],
    *,
    smooth_method: Smooth = "exp",
    smooth_value: float | None = None,
    effective_order: bool = False,
) -> BLEUResult:
    max_n = len(correct)
    value = _DEFAULT_SMOOTH_VALUE[smooth_method] if smooth_value is None else smooth_value
    bp = 1.0 if sys_len >= ref_len else (math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0)
    precisions = [0.0] * max_n
    if not any(correct):
        return BLEUResult(0.0, precisions, bp, sys_len, ref_len)
    correct, total = [float(c) for c in correct], [float(t) for t in total]
    zeros_seen, orders = 0, max_n
    for n in range(max_n):
        if smooth_method == "add-k" and n > 0:
            correct[n] += value
            total[n] += value
        if total[n] == 0:
            break
        if effective_order:
            orders = n + 1
        if correct[n] == 0:
            if smooth_method == "exp":
                zeros_seen += 1
                precisions[n] = 100.0 / (2**zeros_seen * total[n])
            elif smooth_method == "floor":
                precisions[n] = 100.0 * value / total[n]
        else:
            precisions[n] = 100.0 * correct[n] / total[n]
    log_sum = sum(math.log(p) if p > 0 else -9999999999.0 for p in precisions[:orders])
    return BLEUResult(bp * math.exp(log_sum / orders), precisions, bp, sys_len, ref_len)


def corpus_bleu(
    hyps: Sequence[str],
    refs: Sequence[Sequence[str]],
    *,
    max_n: int = 4,
    smooth_method: Smooth = "exp",
    smooth_value: float | None = None,
    lowercase: bool = False,
    effective_order: bool = False,
) -> BLEUResult:
    """refs is a list of reference *streams* (as in sacrebleu): refs[k][i] is the k-th reference of segment i."""
    if any(len(stream) != len(hyps) for stream in refs):
        raise ValueError("every reference stream must have one reference per hypothesis")
    sys_len = ref_len = 0
    correct, total = [0] * max_n, [0] * max_n
    for i, h in enumerate(hyps):
        hl, rl, c, t = segment_stats(h, [stream[i] for stream in refs], max_n=max_n, lowercase=lowercase)
        sys_len, ref_len = sys_len + hl, ref_len + rl
        correct = [a + b for a, b in zip(correct, c, strict=True)]
        total = [a + b for a, b in zip(total, t, strict=True)]
    return bleu_from_stats(
        sys_len,
        ref_len,
        correct,
        total,
        smooth_method=smooth_method,
        smooth_value=smooth_value,
        effective_order=effective_order,
    )


def sentence_bleu(
    hyp: str,
    refs: Sequence[str],
    *,
    max_n: int = 4,
    smooth_method: Smooth = "exp",
    smooth_value: float | None = None,
    lowercase: bool = False,
    effective_order: bool = True,
) -> BLEUResult:
    hl, rl, c, t = segment_stats(hyp, refs, max_n=max_n, lowercase=lowercase)
    return bleu_from_stats(
        hl, rl, c, t, smooth_method=smooth_method, smooth_value=smooth_value, effective_order=effective_order
    )


def bleu_score(hyps: Sequence[str], refs: Sequence[Sequence[str]], *, max_n: int = 4) -> float:
    """Corpus BLEU (0-100) without smoothing, with refs[i] the references of hyps[i] (the bleu-score kata).

    Equals sacrebleu.corpus_bleu(hyps, streams, tokenize='none', smooth_method='none') when every segment has the
    same number of references; any order with no match at all gives 0.
    """
    if len(refs) != len(hyps):
        raise ValueError(f"{len(hyps)} hypotheses but references for {len(refs)} segments")
    if any(not r for r in refs):
        raise ValueError("every hypothesis needs at least one reference")
    sys_len = ref_len = 0
    correct, total = [0] * max_n, [0] * max_n
    for h, rs in zip(hyps, refs, strict=True):
        hl, rl, c, t = segment_stats(h, rs, max_n=max_n)
        sys_len, ref_len = sys_len + hl, ref_len + rl
        correct = [a + b for a, b in zip(correct, c, strict=True)]
        total = [a + b for a, b in zip(total, t, strict=True)]
    return bleu_from_stats(sys_len, ref_len, correct, total, smooth_method="none").score
