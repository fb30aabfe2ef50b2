"""Classic wrong ROUGE-Ls, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import re

def _tokens(text):
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()

def _lcs(a, b):
    T = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                T[i][j] = T[i - 1][j - 1] + 1
            else:
                T[i][j] = max(T[i - 1][j], T[i][j - 1])
    return T[-1][-1]

def rouge_l(target, prediction):
    t, p = _tokens(target), _tokens(prediction)
    if not t or not p:
        return 0.0, 0.0, 0.0
    lcs = _lcs(t, p)
    if lcs == 0:
        return 0.0, 0.0, 0.0
    precision, recall = lcs / len(p), lcs / len(t)
    return precision, recall, 2 * precision * recall / (precision + recall)
"""

GENERIC = "matches rouge-score's ROUGE-L"
TOKENS = "tokens as rouge-score makes them"

MUTANTS = [
    Mutant(
        "longest common substring",
        (("max(T[i - 1][j], T[i][j - 1])", "0"), ("return T[-1][-1]", "return max(map(max, T))")),
        "a subsequence, not a substring",
        (GENERIC, TOKENS),
    ),
    mutant(
        "clipped unigram overlap instead of the LCS",
        "lcs = _lcs(t, p)",
        "lcs = sum((__import__('collections').Counter(t) & __import__('collections').Counter(p)).values())",
        "word order matters",
        GENERIC,
    ),
    mutant(
        "not lowercased",
        "text.lower()",
        "text",
        TOKENS,
    ),
    mutant(
        "split on whitespace only",
        're.sub(r"[^a-z0-9]+", " ", text.lower()).split()',
        "text.lower().split()",
        TOKENS,
    ),
    mutant(
        "precision and recall swapped",
        "precision, recall = lcs / len(p), lcs / len(t)",
        "precision, recall = lcs / len(t), lcs / len(p)",
        "precision over the prediction, recall over the target",
        GENERIC,
        TOKENS,
        "a subsequence, not a substring",
    ),
    mutant(
        "arithmetic mean for F",
        "2 * precision * recall / (precision + recall)",
        "(precision + recall) / 2",
        "F is the harmonic mean of P and R",
        GENERIC,
        TOKENS,
        "a subsequence, not a substring",
    ),
    mutant(
        "\\w+ tokens keep underscores",
        're.sub(r"[^a-z0-9]+", " ", text.lower()).split()',
        're.findall(r"\\w+", text.lower())',
        TOKENS,
    ),
    mutant(
        "[a-z]+ tokens drop digits",
        're.sub(r"[^a-z0-9]+", " ", text.lower()).split()',
        're.findall(r"[a-z]+", text.lower())',
        TOKENS,
    ),
    Mutant(
        "greedy in-order matching instead of the LCS",
        (
            (
                "def rouge_l(target, prediction):",
                "def _greedy(a, b):\n    n, j = 0, 0\n    for w in a:\n        if w in b[j:]:\n"
                "            j += b[j:].index(w) + 1\n            n += 1\n    return n\n\n"
                "def rouge_l(target, prediction):",
            ),
            ("lcs = _lcs(t, p)", "lcs = _greedy(t, p)"),
        ),
        GENERIC,
        ("precision over the prediction, recall over the target", "F is the harmonic mean of P and R", TOKENS),
    ),
    Mutant(
        "no guard for an empty side",
        (
            ("    if not t or not p:\n        return 0.0, 0.0, 0.0\n", ""),
            ("    if lcs == 0:\n        return 0.0, 0.0, 0.0\n", ""),
        ),
        "an empty text scores 0",
    ),
]
