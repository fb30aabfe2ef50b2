"""Classic wrong k-NN classifiers, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

class KNNClassifier:
    def __init__(self, *, n_neighbors=5):
        self.n_neighbors = n_neighbors

    def fit(self, X, y):
        self.X = np.asarray(X, dtype=float)
        self.classes_, self.codes = np.unique(y, return_inverse=True)
        return self

    def predict_proba(self, X):
        X = np.asarray(X, dtype=float)
        d2 = (X**2).sum(axis=1)[:, None] + (self.X**2).sum(axis=1)[None, :] - 2 * X @ self.X.T
        nearest = np.argsort(d2, axis=1, kind="stable")[:, : self.n_neighbors]
        votes = self.codes[nearest]
        proba = np.zeros((len(X), len(self.classes_)))
        for c in range(proba.shape[1]):
            proba[:, c] = (votes == c).mean(axis=1)
        return proba

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
"""

GENERIC = "matches sklearn's brute-force k-NN"
TIE = "a tied vote goes to the smallest label"
COLUMNS = "predict_proba has a column for every class"
BIG = "distances are vectorized"

MUTANTS = [
    mutant(
        "tied vote to the largest label",
        "np.argmax(self.predict_proba(X), axis=1)",
        "len(self.classes_) - 1 - np.argmax(self.predict_proba(X)[:, ::-1], axis=1)",
        TIE,
        GENERIC,  # k = 5 among 3 classes may tie 2-2 too
        COLUMNS,  # and k = 11
        BIG,  # two classes at k = 7 cannot tie, but the large set is drawn anew
    ),
    mutant(
        "columns only up to the highest voted class",
        "proba = np.zeros((len(X), len(self.classes_)))",
        "proba = np.zeros((len(X), votes.max() + 1))",
        COLUMNS,
    ),
    mutant(
        "vote counts instead of fractions",
        "proba[:, c] = (votes == c).mean(axis=1)",
        "proba[:, c] = (votes == c).sum(axis=1)",
        GENERIC,
        TIE,  # every predict_proba is k times too large
        COLUMNS,
        BIG,
    ),
    mutant(
        "skips the nearest neighbour",
        "[:, : self.n_neighbors]",
        "[:, 1 : self.n_neighbors + 1]",
        GENERIC,
        TIE,  # every neighbour set is shifted by one
        COLUMNS,
        BIG,
    ),
    mutant(
        "plus 2 a.b in the expanded distance",
        "- 2 * X @ self.X.T",
        "+ 2 * X @ self.X.T",
        GENERIC,
        TIE,  # every distance is wrong
        COLUMNS,
        BIG,
    ),
]
