"""Classic wrong maximal marginal relevance selections, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def mmr(query, docs, *, k, lambda_mult=0.5):
    q = query / np.linalg.norm(query)
    d = docs / np.linalg.norm(docs, axis=1, keepdims=True)
    relevance = d @ q
    redundancy = np.zeros(len(d))  # max cosine to the picks so far (0 before the first)
    chosen = []
    for step in range(min(k, len(d))):
        score = lambda_mult * relevance - (1 - lambda_mult) * redundancy
        score[chosen] = -np.inf
        best = int(np.argmax(score))
        chosen.append(best)
        sim = d @ d[best]
        redundancy = sim if step == 0 else np.maximum(redundancy, sim)  # cosines can be negative
    return chosen
"""

GENERIC = "matches the greedy MMR rule"
NEAR = "near-duplicates are penalized"
RELEVANCE = "lambda = 1 is plain relevance ranking"
COSINE = "uses cosine similarity"
SHORT = "k larger than the number of documents"
NEGATIVE = "negative similarities are not clamped to 0"

MUTANTS = [
    mutant(
        "raw dot products",
        "d = docs / np.linalg.norm(docs, axis=1, keepdims=True)",
        "d = docs",
        COSINE,
        GENERIC,  # the drawn documents have different norms too
        NEAR,
        RELEVANCE,
        SHORT,
        NEGATIVE,
    ),
    mutant(
        "sums the similarities to the picks",
        "np.maximum(redundancy, sim)",
        "redundancy + sim",
        GENERIC,
        COSINE,  # random documents too
        SHORT,  # its third pick of three
        NEAR,  # so is this one
        NEGATIVE,  # and this one
    ),
    mutant(
        "running max starts at 0",
        "redundancy = sim if step == 0 else np.maximum(redundancy, sim)",
        "redundancy = np.maximum(redundancy, sim)",
        NEGATIVE,
        GENERIC,  # random documents have negative cosines too
        COSINE,
        SHORT,
        NEAR,
    ),
    mutant(
        "lambda weights the diversity",
        "score = lambda_mult * relevance - (1 - lambda_mult) * redundancy",
        "score = (1 - lambda_mult) * relevance - lambda_mult * redundancy",
        RELEVANCE,
        GENERIC,  # lambda = 0.7 there
        NEAR,  # lambda = 0.3 there
        NEGATIVE,  # and there
    ),
    mutant(
        "picks are not excluded",
        "score[chosen] = -np.inf",
        "pass",
        RELEVANCE,
        GENERIC,  # any pick may come again, in any check
        NEAR,
        COSINE,
        SHORT,
        NEGATIVE,
    ),
    mutant(
        "k not capped at N",
        "range(min(k, len(d)))",
        "range(k)",
        SHORT,
    ),
]
