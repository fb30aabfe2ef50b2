"""Model selection: k-fold and stratified k-fold splits, a train/test split, and cross-validation scores.

KFold(n_splits=k): the first n % k folds get n // k + 1 samples, the others n // k (scikit-learn's sizes); each
sample is in exactly one test fold. shuffle=True permutes the indices first (with our own RNG, so the folds differ
from sklearn's shuffled folds). StratifiedKFold keeps each class's proportion in every fold (it deals each class's
samples round-robin; sklearn's fold assignment differs in detail but has the same per-fold class counts up to 1).

Traps: fit preprocessing (scalers, TF-IDF vocabularies, feature selection) inside each training fold, never on the
full data (leakage); use grouped splits when rows of one entity are correlated; time series need forward splits.
Tested in tests/ref/classical/test_classical_model_selection.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

import numpy as np


class KFold:
    def __init__(self, n_splits: int = 5, *, shuffle: bool = False, random_state: int | None = None) -> None:
        if n_splits < 2:
            raise ValueError(f"n_splits must be >= 2, got {n_splits}")
        self.n_splits, self.shuffle, self.random_state = n_splits, shuffle, random_state

    def split(self, X: np.ndarray, y: np.ndarray | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        n = len(X)
        if self.n_splits > n:
            raise ValueError(f"cannot split {n} samples into {self.n_splits} folds")
        idx = np.random.default_rng(self.random_state).permutation(n) if self.shuffle else np.arange(n)
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        start = 0
        for size in sizes:
            test = idx[start : start + size]
            yield np.setdiff1d(idx, test, assume_unique=True), test
            start += size


class StratifiedKFold(KFold):
    def split(self, X: np.ndarray, y: np.ndarray | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        if y is None:
            raise ValueError("StratifiedKFold needs y")
        y = np.asarray(y)
        rng = np.random.default_rng(self.random_state)
        fold = np.empty(len(y), dtype=np.int64)
        offset = 0
        for c in np.unique(y):
            members = np.flatnonzero(y == c)
            if self.shuffle:
                members = rng.permutation(members)
            fold[members] = (np.arange(len(members)) + offset) % self.n_splits
            offset += len(members)  # continue the round-robin so fold sizes stay balanced
        for k in range(self.n_splits):
            yield np.flatnonzero(fold != k), np.flatnonzero(fold == k)


def train_test_split(*arrays: np.ndarray, test_size: float = 0.25, random_state: int | None = None) -> list[np.ndarray]:
    n = len(arrays[0])
    n_test = int(np.ceil(test_size * n))
    perm = np.random.default_rng(random_state).permutation(n)
    test, train = perm[:n_test], perm[n_test:]
    return [part for a in arrays for part in (np.asarray(a)[train], np.asarray(a)[test])]


class Estimator(Protocol):
    def fit(self, X: np.ndarray, y: np.ndarray) -> object: ...
    def predict(self, X: np.ndarray) -> np.ndarray: ...


def cross_val_score(
    make_model: Callable[[], Estimator],
    X: np.ndarray,
    y: np.ndarray,
    *,
    cv: KFold | None = None,
    scoring: Callable[[np.ndarray, np.ndarray], float] | None = None,
) -> np.ndarray:
    """Score a fresh model per fold: make_model() must return an object with fit(X, y) and predict(X)."""
    cv = KFold(5) if cv is None else cv
    scoring = scoring or (lambda t, p: float(np.mean(t == p)))
    scores = []
    for tr, te in cv.split(X, y):
        model = make_model()
        model.fit(X[tr], y[tr])
        scores.append(scoring(y[te], model.predict(X[te])))
    return np.array(scores)
