"""Classic wrong BM25s, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math
from collections import Counter

import numpy as np

class BM25:
    def __init__(self, corpus, *, k1=1.5, b=0.75, epsilon=0.25):
        self.k1, self.b = k1, b
        self.tf = [Counter(doc) for doc in corpus]
        self.lengths = np.array([len(doc) for doc in corpus], dtype=float)
        self.avgdl = self.lengths.mean()
        n = len(corpus)
        df = Counter()
        for counts in self.tf:
            df.update(counts.keys())
        raw = {t: math.log((n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        floor = epsilon * sum(raw.values()) / len(raw)
        self.idf = {t: floor if v < 0 else v for t, v in raw.items()}

    def get_scores(self, query):
        norm = self.k1 * (1 - self.b + self.b * self.lengths / self.avgdl)
        scores = np.zeros(len(self.tf))
        for t in query:
            if t not in self.idf:
                continue
            f = np.array([counts[t] for counts in self.tf], dtype=float)
            scores += self.idf[t] * f * (self.k1 + 1) / (f + norm)
        return scores
"""

GENERIC = "matches BM25Okapi with the default parameters"
FLOOR = "negative IDFs are floored at epsilon * mean IDF (M48)"
REPEATS = "repeated query tokens count again; unknown ones add 0"  # its corpus is the random one

MUTANTS = [
    mutant("negative IDF clipped to 0", "floor if v < 0", "0.0 if v < 0", FLOOR, GENERIC, REPEATS),
    mutant("floor at epsilon itself", "floor if v < 0", "epsilon if v < 0", FLOOR, GENERIC, REPEATS),
    mutant(
        "mean IDF over the positive ones",
        "floor = epsilon * sum(raw.values()) / len(raw)",
        "floor = epsilon * np.mean([v for v in raw.values() if v > 0])",
        FLOOR,
        GENERIC,
        REPEATS,
    ),
    mutant(
        "document frequency counts occurrences",
        "df.update(counts.keys())",
        "df.update(counts)",
        GENERIC,
        FLOOR,  # a count above N + 0.5 makes ln(N - df + 0.5) raise in every check
        REPEATS,
        "k1 saturates the term frequency",
        "b normalizes by document length",
        "no length normalization at b = 0",
    ),
    mutant(
        "k1 hard-coded",
        "self.k1, self.b = k1, b",
        "self.k1, self.b = 1.5, b",
        "k1 saturates the term frequency",
        "no length normalization at b = 0",  # that check runs with k1 = 3 too
    ),
    mutant(
        "length not divided by avgdl",
        "self.lengths / self.avgdl",
        "self.lengths",
        "b normalizes by document length",
        GENERIC,
        FLOOR,
        REPEATS,
        "k1 saturates the term frequency",  # b = 0.75 there: a length of 8 stands where 8 / avgdl = 1 belongs
    ),
    mutant(
        "query tokens deduplicated",
        "for t in query:",
        "for t in set(query):",
        REPEATS,
        GENERIC,  # the drawn queries may repeat a word
        FLOOR,  # one of its queries is "the the end"
    ),
    mutant(
        "unknown query token raises",
        "if t not in self.idf:\n                continue",
        "pass",
        REPEATS,
        GENERIC,  # a drawn query word may be missing from the drawn corpus
    ),
]
