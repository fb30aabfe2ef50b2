"""Classic wrong BLEU scores, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math
from collections import Counter

def _ngrams(toks, n):
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))

def _segment(hyp, refs, max_n):
    h, rs = hyp.split(), [r.split() for r in refs]
    matches, totals = [], []
    for n in range(1, max_n + 1):
        best = Counter()
        for r in rs:
            best |= _ngrams(r, n)
        counts = _ngrams(h, n)
        matches.append(sum(min(k, best[g]) for g, k in counts.items()))
        totals.append(sum(counts.values()))
    r_len = min((len(r) for r in rs), key=lambda L: (abs(L - len(h)), L))
    return len(h), r_len, matches, totals

def _score(c, r, matches, totals):
    if min(matches) == 0:
        return 0.0
    logs = [math.log(m / t) for m, t in zip(matches, totals)]
    bp = 1.0 if c >= r else math.exp(1 - r / c)
    return 100.0 * bp * math.exp(sum(logs) / len(logs))

def bleu_score(hyps, refs, *, max_n=4):
    c = r = 0
    matches, totals = [0] * max_n, [0] * max_n
    for hyp, rs in zip(hyps, refs):
        hl, rl, m, t = _segment(hyp, rs, max_n)
        c, r = c + hl, r + rl
        matches = [x + y for x, y in zip(matches, m)]
        totals = [x + y for x, y in zip(totals, t)]
    return _score(c, r, matches, totals)
"""

GENERIC = "matches sacrebleu's corpus BLEU"

MUTANTS = [
    mutant(
        "no clipping",
        "sum(min(k, best[g]) for g, k in counts.items())",
        "sum(k for g, k in counts.items() if best[g])",
        "counts are clipped by the single reference that has the most",
        GENERIC,
    ),
    mutant(
        "clipped by the sum over references",
        "best |= _ngrams(r, n)",
        "best += _ngrams(r, n)",
        "counts are clipped by the single reference that has the most",
        GENERIC,
    ),
    mutant(
        "brevity penalty against the shortest reference",
        "r_len = min((len(r) for r in rs), key=lambda L: (abs(L - len(h)), L))",
        "r_len = min(len(r) for r in rs)",
        "the brevity penalty uses the closest reference length",
        GENERIC,
    ),
    mutant(
        "a tie goes to the longer reference",
        "key=lambda L: (abs(L - len(h)), L)",
        "key=lambda L: (abs(L - len(h)), -L)",
        "the brevity penalty uses the closest reference length",
        GENERIC,
    ),
    mutant(
        "brevity penalty without the min",
        "bp = 1.0 if c >= r else math.exp(1 - r / c)",
        "bp = math.exp(1 - r / c)",
        "no brevity penalty for a hypothesis longer than the reference",
        GENERIC,
        "corpus statistics are pooled, not averaged over sentences",  # its long segment has c > r too
        "the brevity penalty uses the closest reference length",  # a tie resolves to a shorter reference: c > r
    ),
    mutant(
        "arithmetic mean of the precisions",
        "math.exp(sum(logs) / len(logs))",
        "sum(m / t for m, t in zip(matches, totals)) / len(totals)",
        "the geometric mean of the n-gram precisions",
        GENERIC,
    ),
    mutant(
        "mean of sentence BLEUs",
        "    return _score(c, r, matches, totals)",
        ("    return sum(_score(*_segment(h, rs, max_n)) for h, rs in zip(hyps, refs)) / len(hyps)"),
        "corpus statistics are pooled, not averaged over sentences",
        GENERIC,
    ),
    mutant(
        "orders without a match are skipped",
        "    if min(matches) == 0:\n        return 0.0\n    logs = [math.log(m / t) for m, t in zip(matches, totals)]",
        "    if max(matches) == 0:\n        return 0.0\n"
        "    logs = [math.log(m / t) for m, t in zip(matches, totals) if m]",
        "an order with no match gives 0",
        GENERIC,
    ),
]
