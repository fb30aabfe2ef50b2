"""Ensembles: bagging and random forests (variance reduction), gradient boosting for regression (bias reduction).

Bagging: fit each tree on a bootstrap sample (n draws with replacement) and average the predicted probabilities
(soft vote) or values. A random forest also draws a random subset of max_features features at every split,
which decorrelates the trees: the variance of an average of B trees with correlation rho is
rho s^2 + (1 - rho) s^2 / B, so lowering rho matters more than adding trees.
Gradient boosting (Friedman 2001), squared loss: F_0 = mean(y); for m = 1..M fit a shallow regression tree h_m to
the negative gradient r = y - F_{m-1}(x) and set F_m = F_{m-1} + learning_rate * h_m (shrinkage); `subsample < 1`
gives stochastic gradient boosting.

Traps: bagging does not reduce bias (average of deep trees), boosting can over-fit with too many rounds at a high
learning rate; out-of-bag samples (~36.8% = (1 - 1/n)^n per tree) give a free validation estimate.
Randomness: every estimator takes random_state, and each tree gets its own seed drawn from it.
GradientBoostingRegressor equals sklearn's (loss="squared_error", subsample=1) exactly,
because its trees equal sklearn's trees; bagging/forests use a different RNG than sklearn and are tested on
properties (tests/ref/classical/test_classical_ensemble.py).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from mldrill.ref.classical.tree import DecisionTreeClassifier, DecisionTreeRegressor


class RandomForestClassifier:
    """Bagged classification trees with per-split feature sampling; max_features=None gives plain bagging."""

    def __init__(
        self,
        n_estimators: int = 100,
        *,
        max_features: int | str | None = "sqrt",
        bootstrap: bool = True,
        max_depth: int | None = None,
        min_samples_leaf: int = 1,
        criterion: Literal["gini", "entropy"] = "gini",
        random_state: int | None = None,
    ) -> None:
        self.n_estimators, self.max_features, self.bootstrap = n_estimators, max_features, bootstrap
        self.max_depth, self.min_samples_leaf, self.criterion = max_depth, min_samples_leaf, criterion
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> RandomForestClassifier:
        X = np.asarray(X, dtype=np.float64)
        self.classes_, yi = np.unique(y, return_inverse=True)
        rng = np.random.default_rng(self.random_state)
        n, d = X.shape
        mf: int | None
        if isinstance(self.max_features, str):
            if self.max_features != "sqrt":
                raise ValueError(f"max_features must be an int, None or 'sqrt', got {self.max_features!r}")
            mf = max(1, int(np.sqrt(d)))
        else:
            mf = self.max_features
        self.estimators_: list[DecisionTreeClassifier] = []
        self.oob_mask_ = np.zeros((self.n_estimators, n), dtype=bool)
        for b in range(self.n_estimators):
            idx = rng.integers(n, size=n) if self.bootstrap else np.arange(n)
            self.oob_mask_[b] = ~np.isin(np.arange(n), idx)
            tree = DecisionTreeClassifier(
                criterion=self.criterion,
                max_depth=self.max_depth,
                min_samples_leaf=self.min_samples_leaf,
                max_features=mf,
                random_state=int(rng.integers(2**31)),
            )
            # Fit on class indices so that every tree sees the same label space even if a class is missing.
            tree.fit(X[idx], yi[idx])
            self.estimators_.append(tree)
        return self

    def _tree_proba(self, tree: DecisionTreeClassifier, X: np.ndarray) -> np.ndarray:
        out = np.zeros((len(X), len(self.classes_)))
        out[:, tree.classes_] = tree.predict_proba(X)  # a bootstrap sample may lack a class
        return out

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        return np.mean([self._tree_proba(t, X) for t in self.estimators_], axis=0)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def oob_score(self, X: np.ndarray, y: np.ndarray) -> float:
        """Accuracy of each sample's vote among the trees that did not see it (samples never out of bag skipped)."""
        X = np.asarray(X, dtype=np.float64)
        votes = np.zeros((len(X), len(self.classes_)))
        for t, oob in zip(self.estimators_, self.oob_mask_, strict=True):
            votes[oob] += self._tree_proba(t, X[oob])
        seen = votes.sum(1) > 0
        return float((self.classes_[np.argmax(votes[seen], 1)] == np.asarray(y)[seen]).mean())


def BaggingClassifier(
    n_estimators: int = 10, *, random_state: int | None = None, **kw: object
) -> RandomForestClassifier:
    """Plain bagging of full trees: a forest that considers every feature at every split."""
    # mypy cannot match **kw (object) to the forest's typed keywords; they are passed through as sklearn's are.
    return RandomForestClassifier(n_estimators, max_features=None, random_state=random_state, **kw)  # type: ignore[arg-type]


class GradientBoostingRegressor:
    def __init__(
        self,
        *,
        n_estimators: int = 100,
        learning_rate: float = 0.1,
        max_depth: int = 3,
        min_samples_leaf: int = 1,
        subsample: float = 1.0,
        random_state: int | None = None,
    ) -> None:
        self.n_estimators, self.learning_rate, self.max_depth = n_estimators, learning_rate, max_depth
        self.min_samples_leaf, self.subsample, self.random_state = min_samples_leaf, subsample, random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> GradientBoostingRegressor:
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
        rng = np.random.default_rng(self.random_state)
        n = len(y)
        self.init_ = float(y.mean())
        F = np.full(n, self.init_)
        self.estimators_: list[DecisionTreeRegressor] = []
        self.train_score_: list[float] = []
        for _ in range(self.n_estimators):
            residual = y - F  # negative gradient of 1/2 (y - F)^2
            idx = np.arange(n) if self.subsample >= 1.0 else rng.choice(n, int(self.subsample * n), replace=False)
            tree = DecisionTreeRegressor(max_depth=self.max_depth, min_samples_leaf=self.min_samples_leaf)
            tree.fit(X[idx], residual[idx])
            F = F + self.learning_rate * tree.predict(X)
            self.estimators_.append(tree)
            self.train_score_.append(float(np.mean((y - F) ** 2)))
        return self

    def staged_predict(self, X: np.ndarray) -> list[np.ndarray]:
        X = np.asarray(X, dtype=np.float64)
        F = np.full(len(X), self.init_)
        out = []
        for t in self.estimators_:
            F = F + self.learning_rate * t.predict(X)
            out.append(F.copy())
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.staged_predict(X)[-1] if self.estimators_ else np.full(len(X), self.init_)
