"""Gaussian mixture model fitted by expectation-maximization (full or diagonal covariances).

E-step: r_ik = pi_k N(x_i | mu_k, S_k) / sum_j pi_j N(x_i | mu_j, S_j), computed in log space with log-sum-exp.
M-step: N_k = sum_i r_ik, pi_k = N_k / n, mu_k = sum_i r_ik x_i / N_k, S_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k
        + reg_covar * I. The mean log-likelihood (1/n) sum_i log sum_k pi_k N(x_i | ...) never decreases.
Log-densities go through the Cholesky factor of the precision, so no covariance is ever inverted explicitly.

Traps: a component that collapses onto one point has a singular covariance and an infinite likelihood: reg_covar
adds a floor to the diagonal; the E-step must use log-sum-exp (densities of far points underflow to 0);
k-means is the hard-EM limit: with shared covariance s^2 I and s -> 0, the responsibilities become one-hot on the
nearest mean. Conventions follow sklearn.mixture.GaussianMixture (N_k gets + 10 eps, the recorded value of an
iteration is the log-likelihood of the E-step before its M-step, labels come from a final E-step), so both give the
same parameters from the same weights_init / means_init / precisions_init.
Tested in tests/ref/classical/test_classical_gmm.py.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy.special import logsumexp

from mldrill.ref.classical.kmeans import KMeans

CovType = Literal["full", "diag"]


def _precision_cholesky(cov: np.ndarray, covariance_type: CovType) -> np.ndarray:
    """Per component U with U U^T = S^-1 (full: (k, d, d)), or 1/sqrt(var) (diag: (k, d))."""
    if covariance_type == "diag":
        if (cov <= 0).any():
            raise ValueError("a diagonal variance is <= 0: increase reg_covar")
        return 1.0 / np.sqrt(cov)
    k, d, _ = cov.shape
    out = np.empty_like(cov)
    for j in range(k):
        try:
            L = np.linalg.cholesky(cov[j])
        except np.linalg.LinAlgError as e:
            raise ValueError(f"covariance of component {j} is singular: increase reg_covar") from e
        out[j] = np.linalg.solve(L, np.eye(d)).T  # upper U = L^-T with U U^T = S^-1
    return out


def estimate_log_gaussian_prob(
    X: np.ndarray, means: np.ndarray, prec_chol: np.ndarray, covariance_type: CovType
) -> np.ndarray:
    """log N(x_i | mu_k, S_k) for all i, k -> (n, k)."""
    _n, d = X.shape
    if covariance_type == "diag":
        log_det = np.log(prec_chol).sum(1)  # (k,) = -1/2 log|S|
        y = (X[:, None, :] - means[None]) * prec_chol[None]  # (n, k, d)
    else:
        log_det = np.log(np.diagonal(prec_chol, axis1=1, axis2=2)).sum(1)  # (k,)
        y = np.einsum("nd,kde->nke", X, prec_chol) - np.einsum("kd,kde->ke", means, prec_chol)[None]  # (n, k, d)
    return -0.5 * (d * np.log(2 * np.pi) + (y**2).sum(-1)) + log_det


def e_step(
    X: np.ndarray, weights: np.ndarray, means: np.ndarray, prec_chol: np.ndarray, covariance_type: CovType
) -> tuple[float, np.ndarray]:
    """-> (mean log-likelihood, log responsibilities (n, k))."""
    weighted = estimate_log_gaussian_prob(X, means, prec_chol, covariance_type) + np.log(weights)  # (n, k)
    log_norm = logsumexp(weighted, axis=1)  # (n,)
    return float(log_norm.mean()), weighted - log_norm[:, None]


def m_step(
    X: np.ndarray, resp: np.ndarray, reg_covar: float, covariance_type: CovType
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """-> (weights (k,), means (k, d), covariances (k, d, d) or (k, d))."""
    nk = resp.sum(0) + 10 * np.finfo(resp.dtype).eps  # (k,)
    means = resp.T @ X / nk[:, None]  # (k, d)
    if covariance_type == "diag":
        avg_x2 = resp.T @ (X * X) / nk[:, None]
        cov = avg_x2 - 2 * means * (resp.T @ X) / nk[:, None] + means**2 + reg_covar  # (k, d)
    else:
        d = X.shape[1]
        cov = np.empty((len(nk), d, d))
        for j in range(len(nk)):
            diff = X - means[j]  # (n, d)
            cov[j] = (resp[:, j] * diff.T) @ diff / nk[j]
            cov[j].flat[:: d + 1] += reg_covar
    return nk / nk.sum(), means, cov


class GaussianMixture:
    def __init__(
        self,
        n_components: int = 1,
        *,
        covariance_type: CovType = "full",
        reg_covar: float = 1e-6,
        max_iter: int = 100,
        tol: float = 1e-3,
        weights_init: np.ndarray | None = None,
        means_init: np.ndarray | None = None,
        precisions_init: np.ndarray | None = None,
        random_state: int | None = None,
    ) -> None:
        self.n_components, self.covariance_type, self.reg_covar = n_components, covariance_type, reg_covar
        self.max_iter, self.tol = max_iter, tol
        self.weights_init, self.means_init, self.precisions_init = weights_init, means_init, precisions_init
        self.random_state = random_state

    def _initialize(self, X: np.ndarray) -> None:
        labels = KMeans(self.n_components, n_init=1, random_state=self.random_state).fit(X).labels_
        resp = np.eye(self.n_components)[labels]  # (n, k) one-hot from k-means
        w, m, c = m_step(X, resp, self.reg_covar, self.covariance_type)
        self.weights_ = w if self.weights_init is None else np.asarray(self.weights_init, dtype=np.float64)
        self.means_ = m if self.means_init is None else np.asarray(self.means_init, dtype=np.float64)
        if self.precisions_init is None:
            self.covariances_ = c
            self.precisions_cholesky_ = _precision_cholesky(c, self.covariance_type)
        else:
            P = np.asarray(self.precisions_init, dtype=np.float64)
            self.precisions_cholesky_ = np.sqrt(P) if self.covariance_type == "diag" else np.linalg.cholesky(P)

    def fit(self, X: np.ndarray, y: object = None) -> GaussianMixture:
        X = np.asarray(X, dtype=np.float64)
        self._initialize(X)
        self.lower_bounds_: list[float] = []
        lower_bound, self.converged_ = -np.inf, False
        self.n_iter_ = 0
        for it in range(1, self.max_iter + 1):
            prev = lower_bound
            lower_bound, log_resp = e_step(
                X, self.weights_, self.means_, self.precisions_cholesky_, self.covariance_type
            )
            self.weights_, self.means_, self.covariances_ = m_step(
                X, np.exp(log_resp), self.reg_covar, self.covariance_type
            )
            self.precisions_cholesky_ = _precision_cholesky(self.covariances_, self.covariance_type)
            self.lower_bounds_.append(lower_bound)
            self.n_iter_ = it
            if abs(lower_bound - prev) < self.tol:
                self.converged_ = True
                break
        self.lower_bound_ = lower_bound
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        _, log_resp = e_step(
            np.asarray(X, dtype=np.float64), self.weights_, self.means_, self.precisions_cholesky_, self.covariance_type
        )
        return np.exp(log_resp)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.argmax(self.predict_proba(X), axis=1)

    def score(self, X: np.ndarray) -> float:
        """Mean log-likelihood per sample."""
        return e_step(
            np.asarray(X, dtype=np.float64), self.weights_, self.means_, self.precisions_cholesky_, self.covariance_type
        )[0]


def gmm_em(
    X: np.ndarray,
    k: int,
    *,
    iters: int = 100,
    reg_covar: float = 1e-6,
    covariance_type: CovType = "full",
    seed: int | None = 0,
) -> GaussianMixture:
    """Functional form: EM for `iters` iterations (no early stop) from a k-means initialization."""
    return GaussianMixture(
        k, covariance_type=covariance_type, reg_covar=reg_covar, max_iter=iters, tol=0.0, random_state=seed
    ).fit(X)
