"""Support vector machines: kernels, a linear SVM by sub-gradient descent, and a kernel SVM by SMO.

Primal (soft margin): min_w,b 1/2 ||w||^2 + C sum_i max(0, 1 - y_i (w.x_i + b)),  y in {-1, +1}.
Dual: min_a 1/2 a^T Q a - 1^T a  s.t. y^T a = 0, 0 <= a_i <= C, with Q_ij = y_i y_j K(x_i, x_j);
decision f(x) = sum_i a_i y_i K(x_i, x) + b. Only the support vectors (a_i > 0) matter.
SMO (Platt 1998) updates two multipliers at a time so that y^T a = 0 stays true; the pair is chosen as in LIBSVM
(Fan, Chen & Lin 2005, "WSS2"): i is the maximal violator, j maximizes the second-order decrease b^2 / a. Stop when
the KKT gap max_{I_up} -y G - min_{I_low} -y G < tol. The bias is the mean of y_t G_t over free vectors (0 < a < C).

Kernels: linear x.y; polynomial (gamma x.y + coef0)^degree; RBF exp(-gamma ||x - y||^2). The kernel trick:
(x.y)^2 = phi(x).phi(y) with phi(x) = (x1^2, sqrt2 x1 x2, x2^2): 3 features for 2 inputs (not 8, M53);
(x.y + 1)^2 needs 6.
Traps: always scale the features; a large C approaches a hard margin (over-fits noise), a small C under-fits; small
gamma under-fits, large gamma over-fits (each point its own bump); the sigmoid kernel is not PSD; the sub-gradient
method does not decrease the objective monotonically (keep the best iterate) and converges only at O(1/sqrt t).
Tested against sklearn.svm.SVC (libsvm, same tolerance) and sklearn.metrics.pairwise kernels.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Kernel = Literal["linear", "poly", "rbf"]


def linear_kernel(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    return X @ Y.T  # (n, m)


def polynomial_kernel(
    X: np.ndarray, Y: np.ndarray, *, degree: int = 3, gamma: float = 1.0, coef0: float = 1.0
) -> np.ndarray:
    return (gamma * X @ Y.T + coef0) ** degree  # (n, m)


def rbf_kernel(X: np.ndarray, Y: np.ndarray, *, gamma: float = 1.0) -> np.ndarray:
    sq = (X**2).sum(1)[:, None] + (Y**2).sum(1)[None, :] - 2 * X @ Y.T  # (n, m)
    return np.exp(-gamma * np.maximum(sq, 0.0))


def poly2_features(X: np.ndarray, *, coef0: float = 0.0) -> np.ndarray:
    """Explicit map phi with phi(x).phi(y) = (x.y + coef0)^2 for 2-D inputs: 3 features if coef0 = 0, else 6."""
    x1, x2 = X[:, 0], X[:, 1]
    quad = [x1**2, np.sqrt(2) * x1 * x2, x2**2]
    if coef0 == 0.0:
        return np.stack(quad, axis=1)  # (n, 3)
    c = np.sqrt(2 * coef0)
    return np.stack([*quad, c * x1, c * x2, np.full_like(x1, coef0)], axis=1)  # (n, 6)


def _signed_labels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    classes = np.unique(y)
    if len(classes) != 2:
        raise ValueError(f"binary SVM needs exactly 2 classes, got {len(classes)}")
    return classes, np.where(y == classes[1], 1.0, -1.0)  # classes_[1] is the positive class (sklearn)


class LinearSVM:
    """Primal soft-margin SVM by full-batch sub-gradient descent with step lr / sqrt(t); keeps the best iterate."""

    def __init__(self, *, C: float = 1.0, lr: float = 0.01, max_iter: int = 5000) -> None:
        self.C, self.lr, self.max_iter = C, lr, max_iter

    def objective(self, X: np.ndarray, s: np.ndarray, w: np.ndarray, b: float) -> float:
        return float(0.5 * w @ w + self.C * np.maximum(0.0, 1 - s * (X @ w + b)).sum())

    def fit(self, X: np.ndarray, y: np.ndarray) -> LinearSVM:
        X = np.asarray(X, dtype=np.float64)
        self.classes_, s = _signed_labels(np.asarray(y))
        w, b = np.zeros(X.shape[1]), 0.0
        best = (self.objective(X, s, w, b), w.copy(), b)
        self.objective_curve_: list[float] = []
        for t in range(1, self.max_iter + 1):
            viol = s * (X @ w + b) < 1  # (n,) points inside the margin
            gw = w - self.C * (s[viol, None] * X[viol]).sum(0)
            gb = -self.C * s[viol].sum()
            step = self.lr / np.sqrt(t)
            w, b = w - step * gw, b - step * gb
            obj = self.objective(X, s, w, b)
            self.objective_curve_.append(obj)
            if obj < best[0]:
                best = (obj, w.copy(), b)
        self.objective_, self.coef_, self.intercept_ = best
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=np.float64) @ self.coef_ + self.intercept_

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > 0).astype(int)]


def smo(
    K: np.ndarray, s: np.ndarray, C: float, *, tol: float = 1e-3, max_iter: int = 100_000
) -> tuple[np.ndarray, float, int]:
    """Solve the SVM dual for kernel matrix K (n, n) and labels s in {-1, +1} -> (alpha, bias, iterations)."""
    n = len(s)
    Q = s[:, None] * s[None, :] * K  # (n, n)
    alpha = np.zeros(n)
    G = -np.ones(n)  # gradient Q alpha - 1
    diag = np.diag(K)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported after the loop)
        v = -s * G  # (n,)
        up = ((s > 0) & (alpha < C)) | ((s < 0) & (alpha > 0))
        low = ((s < 0) & (alpha < C)) | ((s > 0) & (alpha > 0))
        i = int(np.flatnonzero(up)[np.argmax(v[up])])
        cand = low & (v < v[i])
        if not cand.any() or v[i] - v[low].min() < tol:
            break
        bdiff = v[i] - v  # > 0 on candidates
        a = diag[i] + diag - 2 * K[i]
        a = np.where(a > 0, a, 1e-12)
        gain = np.where(cand, bdiff**2 / a, -np.inf)
        j = int(np.argmax(gain))
        # Move along u = s_i e_i - s_j e_j: f decreases by b t - a t^2 / 2, optimum t = b / a, then clip to the box.
        t = bdiff[j] / a[j]
        t = min(t, C - alpha[i] if s[i] > 0 else alpha[i], alpha[j] if s[j] > 0 else C - alpha[j])
        alpha[i] += s[i] * t
        alpha[j] -= s[j] * t
        G += t * (s[i] * Q[:, i] - s[j] * Q[:, j])
    free = (alpha > 0) & (alpha < C)
    yG = s * G
    if free.any():
        rho = float(yG[free].mean())
    else:  # no free vector: the midpoint of the feasible interval of rho
        up = ((s > 0) & (alpha < C)) | ((s < 0) & (alpha > 0))
        low = ((s < 0) & (alpha < C)) | ((s > 0) & (alpha > 0))
        rho = float((yG[up].min() + yG[low].max()) / 2) if up.any() and low.any() else 0.0
    return alpha, -rho, it


class SVC:
    """Binary kernel SVM trained with SMO. gamma='scale' is 1 / (n_features * X.var()), sklearn's default."""

    def __init__(
        self,
        *,
        C: float = 1.0,
        kernel: Kernel = "rbf",
        degree: int = 3,
        gamma: float | str = "scale",
        coef0: float = 0.0,
        tol: float = 1e-3,
        max_iter: int = 100_000,
    ) -> None:
        self.C, self.kernel, self.degree, self.gamma, self.coef0 = C, kernel, degree, gamma, coef0
        self.tol, self.max_iter = tol, max_iter

    def _kernel(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        if self.kernel == "linear":
            return linear_kernel(A, B)
        if self.kernel == "poly":
            return polynomial_kernel(A, B, degree=self.degree, gamma=self._gamma, coef0=self.coef0)
        if self.kernel == "rbf":
            return rbf_kernel(A, B, gamma=self._gamma)
        raise ValueError(f"unknown kernel {self.kernel!r}")

    def fit(self, X: np.ndarray, y: np.ndarray) -> SVC:
        X = np.asarray(X, dtype=np.float64)
        self.classes_, s = _signed_labels(np.asarray(y))
        self._gamma = 1.0 / (X.shape[1] * X.var()) if self.gamma == "scale" else float(self.gamma)
        alpha, self.intercept_, self.n_iter_ = smo(self._kernel(X, X), s, self.C, tol=self.tol, max_iter=self.max_iter)
        self.support_ = np.flatnonzero(alpha > 0)
        self.support_vectors_ = X[self.support_]
        self.dual_coef_ = (alpha * s)[self.support_]  # a_i y_i
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return self._kernel(np.asarray(X, dtype=np.float64), self.support_vectors_) @ self.dual_coef_ + self.intercept_

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > 0).astype(int)]


poly_kernel = polynomial_kernel  # the syllabus name


def linear_svm_sgd(
    X: np.ndarray, y: np.ndarray, C: float = 1.0, *, lr: float = 0.01, max_iter: int = 5000
) -> LinearSVM:
    """Functional form of LinearSVM (sub-gradient descent on the hinge loss)."""
    return LinearSVM(C=C, lr=lr, max_iter=max_iter).fit(X, y)
