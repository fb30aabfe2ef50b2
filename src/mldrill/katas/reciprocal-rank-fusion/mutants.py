"""Classic wrong reciprocal rank fusions, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def rrf(rankings, *, k=60):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])
"""

GENERIC = "matches the closed form"

MUTANTS = [
    mutant(
        "0-based ranks",
        "enumerate(ranking, start=1)",
        "enumerate(ranking)",
        "ranks start at 1",
        GENERIC,  # every score is off, in every check
        "a document missing from a list gets nothing from it",
        "uses k",
        "ties keep first-seen order",
    ),
    mutant("k hard-coded to 60", "1.0 / (k + rank)", "1.0 / (60 + rank)", "uses k"),
    mutant(
        "worst first",
        "key=lambda item: -item[1]",
        "key=lambda item: item[1]",
        GENERIC,
        "ranks start at 1",  # every check with two different scores sees the reversed order
        "a document missing from a list gets nothing from it",
        "uses k",
        "ties keep first-seen order",
    ),
    mutant(
        "ascending sort reversed (ties last-seen first)",
        "sorted(scores.items(), key=lambda item: -item[1])",
        "sorted(scores.items(), key=lambda item: item[1])[::-1]",
        "ties keep first-seen order",
        GENERIC,  # its second fusion has a tie too
    ),
    mutant(
        "ties broken by document id",
        "key=lambda item: -item[1]",
        "key=lambda item: (-item[1], item[0])",
        "ties keep first-seen order",
        GENERIC,  # its second fusion has a tie too
    ),
]
