"""Classic wrong WERs, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
def _distance(r, h):
    prev = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        cur = [i] + [0] * len(h)
        for j in range(1, len(h) + 1):
            sub = prev[j - 1] + (r[i - 1] != h[j - 1])
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, sub)
        prev = cur
    return prev[-1]

def word_error_rate(references, hypotheses):
    edits = words = 0
    for ref, hyp in zip(references, hypotheses):
        r, h = ref.split(), hyp.split()
        edits += _distance(r, h)
        words += len(r)
    return edits / words
"""

GENERIC = "matches the corpus WER"
LENGTH = "divides by the number of reference words"
CHARS = "an edit is a word, not a character"
ALIGN = "an alignment, not a position-by-position comparison"
SUB = "a substitution costs 1"
POOL = "the corpus WER pools edits and reference words"
OVER = "WER is not capped at 1"
LEAD = "leading insertions and deletions count"
TOKENS = "words are str.split() tokens, compared exactly"

MUTANTS = [
    mutant("divided by the hypothesis length", "words += len(r)", "words += len(h)", LENGTH, GENERIC, ALIGN, POOL,
           OVER, LEAD, TOKENS),
    mutant("character-level distance", "edits += _distance(r, h)", "edits += _distance(ref, hyp)", CHARS, GENERIC,
           LENGTH, ALIGN, SUB, POOL, OVER, LEAD, TOKENS),
    mutant("words compared position by position", "edits += _distance(r, h)",
           "edits += sum(a != b for a, b in zip(r, h)) + abs(len(r) - len(h))", ALIGN, GENERIC, LENGTH, OVER, LEAD,
           TOKENS),
    mutant("substitution costs 2", "(r[i - 1] != h[j - 1])", "2 * (r[i - 1] != h[j - 1])", SUB, GENERIC, CHARS,
           POOL, TOKENS),
    Mutant("mean of sentence WERs",
           (("edits += _distance(r, h)\n        words += len(r)",
             "edits += _distance(r, h) / len(r)\n        words += 1"),),
           POOL, (GENERIC, TOKENS)),
    mutant("capped at 1", "return edits / words", "return min(1.0, edits / words)", OVER, LENGTH),
    Mutant("zeros in the first row and column",
           (("prev = list(range(len(h) + 1))", "prev = [0] * (len(h) + 1)"), ("cur = [i] + ", "cur = [0] + ")),
           LEAD, (GENERIC, LENGTH, ALIGN, OVER, POOL, TOKENS)),
    mutant("split on single spaces", "r, h = ref.split(), hyp.split()", "r, h = ref.split(' '), hyp.split(' ')",
           TOKENS, POOL),
    mutant("case-folded words", "r, h = ref.split(), hyp.split()", "r, h = ref.lower().split(), hyp.lower().split()",
           TOKENS),
]  # fmt: skip
