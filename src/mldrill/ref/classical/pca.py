"""Principal component analysis by SVD of the centred data, or by eigendecomposition of the covariance.

Centre X, then X_c = U S V^T; the principal axes are the rows of V^T, explained_variance_ = S^2 / (n - 1) (the
unbiased covariance's eigenvalues), explained_variance_ratio_ = those over the total variance.
The eigen route diagonalizes C = X_c^T X_c / (n - 1) with `eigh` (ascending order: reverse it); it squares the
condition number, so SVD is the numerically preferred route; both are here and agree in the tests.

Traps: forgetting to centre (the first axis then points at the mean); PCA is scale-dependent (standardize features
with different units); eigenvectors have arbitrary signs: like sklearn (>= 1.5), we flip each component so that
its largest-|.| entry is positive, which makes the result deterministic and comparable.
Tested against sklearn.decomposition.PCA(svd_solver="full") in tests/ref/classical/test_classical_pca.py.
"""

from __future__ import annotations

from typing import Literal

import numpy as np


def _flip_signs(components: np.ndarray) -> np.ndarray:
    idx = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(len(components)), idx])
    return components * signs[:, None]


class PCA:
    def __init__(self, n_components: int | None = None, *, method: Literal["svd", "eigh"] = "svd") -> None:
        self.n_components, self.method = n_components, method

    def fit(self, X: np.ndarray, y: object = None) -> PCA:
        X = np.asarray(X, dtype=np.float64)
        n, d = X.shape
        k = min(n, d) if self.n_components is None else self.n_components
        if not 1 <= k <= min(n, d):
            raise ValueError(f"n_components={k} must be between 1 and min(n_samples, n_features)={min(n, d)}")
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_  # (n, d)
        total_var = float((Xc**2).sum() / (n - 1))
        if self.method == "svd":
            _, S, Vt = np.linalg.svd(Xc, full_matrices=False)  # S: (min(n,d),), Vt: (min(n,d), d)
            var = S**2 / (n - 1)
        elif self.method == "eigh":
            evals, evecs = np.linalg.eigh(Xc.T @ Xc / (n - 1))  # ascending
            order = np.argsort(evals)[::-1]
            var, Vt = np.maximum(evals[order], 0.0), evecs[:, order].T  # (d,), (d, d)
            S = np.sqrt(var * (n - 1))
        else:
            raise ValueError(f"unknown method {self.method!r}; use 'svd' or 'eigh'")
        self.components_ = _flip_signs(Vt[:k])  # (k, d)
        self.explained_variance_ = var[:k]
        self.explained_variance_ratio_ = var[:k] / total_var
        self.singular_values_ = S[:k]
        self.n_components_ = k
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (np.asarray(X, dtype=np.float64) - self.mean_) @ self.components_.T  # (n, k)

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: np.ndarray) -> np.ndarray:
        return Z @ self.components_ + self.mean_  # (n, d)
