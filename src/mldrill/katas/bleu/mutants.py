"""Classic wrong BLEU statistics, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
from collections import Counter

def ngrams(toks, n):
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))

def segment_stats(hyp, refs, *, max_n=4):
    h = hyp.split()
    rs = [r.split() for r in refs]
    c = len(h)
    ref_len = min((len(r) for r in rs), key=lambda n: (abs(n - c), n))
    matches, totals = [], []
    for n in range(1, max_n + 1):
        hc = ngrams(h, n)
        best = Counter()
        for r in rs:
            best |= ngrams(r, n)  # elementwise max over the references
        matches.append(sum(min(k, best[g]) for g, k in hc.items()))
        totals.append(max(c - n + 1, 0))
    return c, ref_len, matches, totals
"""

GENERIC = "matches sacrebleu's statistics on ordinary sentences"
CLIP = "clips by the maximum count in a single reference"
CLOSEST = "uses the closest reference length, shorter on a tie"
LAST = "counts every n-gram, up to the last token"

MUTANTS = [
    mutant("clipped by the sum over references", "best |= ngrams(r, n)", "best += ngrams(r, n)", CLIP, GENERIC),
    mutant("no clipping", "min(k, best[g])", "(k if best[g] else 0)", CLIP, GENERIC),
    mutant(
        "shortest reference length",
        "min((len(r) for r in rs), key=lambda n: (abs(n - c), n))",
        "min(len(r) for r in rs)",
        CLOSEST,
    ),
    mutant("longer reference on a tie", "(abs(n - c), n)", "(abs(n - c), -n)", CLOSEST),
    mutant("tie broken by reference order", "(abs(n - c), n)", "abs(n - c)", CLOSEST),
    Mutant(
        "n-gram windows stop one token early",
        (("range(len(toks) - n + 1)", "range(len(toks) - n)"), ("max(c - n + 1, 0)", "max(c - n, 0)")),
        LAST,
        (GENERIC, "short hypotheses have zero higher-order n-grams"),
    ),
    mutant(
        "negative n-gram totals for short hypotheses",
        "max(c - n + 1, 0)",
        "c - n + 1",
        "short hypotheses have zero higher-order n-grams",
    ),
    mutant("max_n ignored", "range(1, max_n + 1)", "range(1, 5)", "respects max_n"),
]
