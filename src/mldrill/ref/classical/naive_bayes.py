"""Naive Bayes (Gaussian and multinomial with add-alpha smoothing) and Bayes' theorem for a diagnostic test.

Naive Bayes: p(y | x) proportional to p(y) prod_j p(x_j | y), features independent given the class. Always in log
space: a product of hundreds of small likelihoods underflows to 0.0 in float64, a sum of logs does not.
Gaussian:    log p(x_j | y) = -1/2 log(2 pi var_jy) - (x_j - mu_jy)^2 / (2 var_jy), var += var_smoothing * max var_j.
Multinomial: theta_jy = (N_jy + alpha) / (N_y + alpha * n_features)  (Laplace for alpha = 1, Lidstone otherwise).

Traps: with alpha = 0 a word never seen in a class gives theta = 0, log theta = -inf, and that class's posterior
is 0 whatever the other evidence (sklearn refuses alpha = 0 and clamps it to 1e-10 unless force_alpha; we keep 0 to
show the failure). Bayes' theorem: P(D | +) = sens * prior / (sens * prior + fpr * (1 - prior)); with a 1% base
rate, 95% sensitivity and 5% false positives it is only 0.161 (the base-rate fallacy).
Tested against sklearn.naive_bayes.GaussianNB / MultinomialNB in tests/ref/classical/test_classical_naive_bayes.py.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp


def posterior(prior: float, sensitivity: float, false_positive_rate: float) -> float:
    """P(condition | positive test) by Bayes' theorem."""
    num = sensitivity * prior
    return num / (num + false_positive_rate * (1.0 - prior))


class _BaseNB:
    classes_: np.ndarray

    def _joint_log_likelihood(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # abstract: Gaussian / multinomial / Bernoulli each supply theirs

    def predict_log_proba(self, X: np.ndarray) -> np.ndarray:
        jll = self._joint_log_likelihood(np.asarray(X, dtype=np.float64))  # (n, C)
        return jll - logsumexp(jll, axis=1, keepdims=True)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.exp(self.predict_log_proba(X))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self._joint_log_likelihood(np.asarray(X, dtype=np.float64)), axis=1)]


class GaussianNB(_BaseNB):
    def __init__(self, *, var_smoothing: float = 1e-9) -> None:
        self.var_smoothing = var_smoothing

    def fit(self, X: np.ndarray, y: np.ndarray) -> GaussianNB:
        X = np.asarray(X, dtype=np.float64)
        self.classes_, yi = np.unique(y, return_inverse=True)
        C = len(self.classes_)
        self.epsilon_ = self.var_smoothing * float(np.var(X, axis=0).max())
        self.theta_ = np.stack([X[yi == c].mean(0) for c in range(C)])  # (C, d)
        self.var_ = np.stack([X[yi == c].var(0) for c in range(C)]) + self.epsilon_  # (C, d), biased variance
        self.class_prior_ = np.bincount(yi, minlength=C) / len(yi)
        return self

    def _joint_log_likelihood(self, X: np.ndarray) -> np.ndarray:
        diff = X[:, None, :] - self.theta_[None]  # (n, C, d)
        ll = -0.5 * (np.log(2 * np.pi * self.var_)[None] + diff**2 / self.var_[None]).sum(-1)  # (n, C)
        return ll + np.log(self.class_prior_)


class MultinomialNB(_BaseNB):
    def __init__(self, *, alpha: float = 1.0, fit_prior: bool = True) -> None:
        self.alpha, self.fit_prior = alpha, fit_prior

    def fit(self, X: np.ndarray, y: np.ndarray) -> MultinomialNB:
        X = np.asarray(X, dtype=np.float64)
        if (X < 0).any():
            raise ValueError("MultinomialNB needs non-negative counts")
        self.classes_, yi = np.unique(y, return_inverse=True)
        C = len(self.classes_)
        Y = np.eye(C)[yi]  # (n, C)
        self.feature_count_ = Y.T @ X  # (C, d)
        self.class_count_ = Y.sum(0)
        smoothed = self.feature_count_ + self.alpha
        with np.errstate(divide="ignore"):
            self.feature_log_prob_ = np.log(smoothed) - np.log(smoothed.sum(1, keepdims=True))
        prior = self.class_count_ / self.class_count_.sum() if self.fit_prior else np.full(C, 1.0 / C)
        self.class_log_prior_ = np.log(prior)
        return self

    def _joint_log_likelihood(self, X: np.ndarray) -> np.ndarray:
        # 0 * log 0 must count as 0 (a word absent from the document says nothing), hence the masked product.
        flp = self.feature_log_prob_
        safe = np.where(np.isneginf(flp), 0.0, flp)
        jll = X @ safe.T  # (n, C)
        hits_zero = (X > 0).astype(np.float64) @ np.isneginf(flp).T.astype(np.float64)  # (n, C)
        return np.where(hits_zero > 0, -np.inf, jll) + self.class_log_prior_
