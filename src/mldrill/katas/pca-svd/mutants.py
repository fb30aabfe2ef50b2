"""Classic wrong PCAs, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

class PCA:
    def __init__(self, n_components):
        self.n_components = n_components

    def fit(self, X):
        X = np.asarray(X, dtype=float)
        n, k = X.shape[0], self.n_components
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
        comps = Vt[:k]
        self._raw = comps
        big = np.argmax(np.abs(comps), axis=1)
        comps = comps * np.sign(comps[np.arange(k), big])[:, None]
        var = S**2 / (n - 1)
        self.components_ = comps
        self.explained_variance_ = var[:k]
        self.explained_variance_ratio_ = var[:k] / var.sum()
        return self

    def transform(self, X):
        return (np.asarray(X, dtype=float) - self.mean_) @ self.components_.T
"""

GENERIC = "matches sklearn's PCA"

MUTANTS = [
    mutant(
        "not centred",
        "Xc = X - self.mean_",
        "Xc = X",
        "the data is centred before the SVD",
        GENERIC,
        "the principal axes are the rows of Vt",
        "explained variance divides by n - 1",
        "the ratio is over the total variance of all features",
        "each axis's largest-|.| entry is positive",
        "transform centres with the training mean",
    ),
    mutant(
        "rows of U.T as the axes",
        "comps = Vt[:k]",
        "comps = U.T[:k]",
        "the principal axes are the rows of Vt",
        GENERIC,
        "each axis's largest-|.| entry is positive",
        "transform centres with the training mean",
    ),
    mutant(
        "columns of Vt as the axes",
        "comps = Vt[:k]",
        "comps = Vt.T[:k]",
        "the principal axes are the rows of Vt",
        GENERIC,
        "each axis's largest-|.| entry is positive",
        "transform centres with the training mean",
    ),
    mutant(
        "variance divided by n",
        "var = S**2 / (n - 1)",
        "var = S**2 / n",
        "explained variance divides by n - 1",
        GENERIC,
        "the data is centred before the SVD",
    ),
    mutant(
        "ratio over the kept variance",
        "var[:k] / var.sum()",
        "var[:k] / var[:k].sum()",
        "the ratio is over the total variance of all features",
        GENERIC,
    ),
    mutant(
        "no sign convention",
        "        comps = comps * np.sign(comps[np.arange(k), big])[:, None]\n",
        "",
        "each axis's largest-|.| entry is positive",
        GENERIC,
    ),
    mutant(
        "transform centres on the new data's mean",
        "(np.asarray(X, dtype=float) - self.mean_)",
        "(np.asarray(X, dtype=float) - np.asarray(X, dtype=float).mean(axis=0))",
        "transform centres with the training mean",
        GENERIC,
        "each axis's largest-|.| entry is positive",
    ),
    mutant(
        "scores from the unflipped axes",
        "return (np.asarray(X, dtype=float) - self.mean_) @ self.components_.T",
        "return (np.asarray(X, dtype=float) - self.mean_) @ self._raw.T",
        "each axis's largest-|.| entry is positive",
        GENERIC,
    ),
]
