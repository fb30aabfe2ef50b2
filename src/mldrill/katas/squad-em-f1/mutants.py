"""Classic wrong SQuAD EM/F1 scorers, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import re
import string
from collections import Counter

def _normalize(s):
    s = s.lower()
    s = "".join(ch for ch in s if ch not in string.punctuation)
    s = re.sub(r"\\b(a|an|the)\\b", " ", s)
    return " ".join(s.split())

def _f1(pred, gold):
    p, g = _normalize(pred).split(), _normalize(gold).split()
    if not p or not g:
        return float(p == g)
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)

def squad_em_f1(prediction, golds):
    em = max(float(_normalize(prediction) == _normalize(g)) for g in golds)
    f1 = max(_f1(prediction, g) for g in golds)
    return em, f1
"""

MUTANTS = [
    mutant(
        "articles removed inside words",
        r'r"\b(a|an|the)\b"',
        r'r"(a|an|the)"',
        "articles are whole words only",
        "matches the official script",  # it cuts every word with an 'a' in it ('France' -> 'fr nce')
        "normalizes case, punctuation and articles",
        "token F1 counts multiplicity",
        "empty answers after normalization",  # 'an' loses its 'a' first and leaves 'n'
    ),
    mutant(
        "case kept",
        "s = s.lower()",
        "pass",
        "normalizes case, punctuation and articles",
        "empty answers after normalization",  # a capitalized 'The' is no longer an article
    ),
    mutant(
        "common tokens as a set",
        "sum((Counter(p) & Counter(g)).values())",
        "len(set(p) & set(g))",
        "token F1 counts multiplicity",
    ),
    mutant(
        "empty answers score 0",
        "return float(p == g)",
        "return 0.0",
        "empty answers after normalization",
    ),
    mutant(
        "F1 averaged over the golds",
        "f1 = max(_f1(prediction, g) for g in golds)",
        "f1 = sum(_f1(prediction, g) for g in golds) / len(golds)",
        "max over golds, separately for EM and F1",
        "matches the official script",  # two golds in its first two cases
    ),
]
