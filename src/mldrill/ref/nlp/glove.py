"""GloVe (Pennington et al., 2014): weighted least squares on log co-occurrence counts, at toy size.

J = sum over nonzero X_ij of f(X_ij) (w_i . w~_j + b_i + b~_j - log X_ij)^2,  f(x) = min(1, (x / x_max)^alpha),
x_max = 100, alpha = 3/4. Only nonzero entries enter the sum (log 0 is undefined); f caps the weight of very
frequent pairs at 1 and down-weights rare, noisy ones. Co-occurrences are weighted 1/distance inside the window.
The final vectors are usually W + W~. M62: the ratio P(solid | ice) / P(solid | steam) is *large* (~8.9), the gas
ratio small, and unrelated words ~1: ratios, not raw probabilities, carry meaning, which the log-bilinear form fits.
Gradients are hand-written (checked against torch autograd); training uses AdaGrad as in the paper.
Tested in tests/ref/nlp/test_nlp_glove.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def cooccurrence(sentences: Sequence[Sequence[str]], vocab: dict[str, int], *, window: int = 2) -> np.ndarray:
    """Symmetric co-occurrence matrix with 1/distance weighting."""
    X = np.zeros((len(vocab), len(vocab)))
    for s in sentences:
        ids = [vocab[w] for w in s]
        for i, a in enumerate(ids):
            for dist in range(1, window + 1):
                if i + dist < len(ids):
                    X[a, ids[i + dist]] += 1.0 / dist
                    X[ids[i + dist], a] += 1.0 / dist
    return X


def glove_weight(X: np.ndarray, *, x_max: float = 100.0, alpha: float = 0.75) -> np.ndarray:
    return np.minimum(1.0, (np.asarray(X, dtype=np.float64) / x_max) ** alpha)


def glove_loss_grads(
    W: np.ndarray,
    Wt: np.ndarray,
    b: np.ndarray,
    bt: np.ndarray,
    X: np.ndarray,
    *,
    x_max: float = 100.0,
    alpha: float = 0.75,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """J and its gradients with respect to (W (V, d), Wt (V, d), b (V,), bt (V,))."""
    nz = X > 0
    logX = np.log(np.where(nz, X, 1.0))
    f = np.where(nz, glove_weight(X, x_max=x_max, alpha=alpha), 0.0)  # (V, V), zero off the support
    err = W @ Wt.T + b[:, None] + bt[None, :] - logX  # (V, V)
    g = 2.0 * f * err  # dJ/d(err), 0 where X = 0
    return float((f * err**2).sum()), g @ Wt, g.T @ W, g.sum(1), g.sum(0)


class GloVe:
    def __init__(
        self,
        *,
        dim: int = 10,
        epochs: int = 200,
        lr: float = 0.05,
        x_max: float = 100.0,
        alpha: float = 0.75,
        seed: int = 0,
    ) -> None:
        self.dim, self.epochs, self.lr, self.x_max, self.alpha, self.seed = dim, epochs, lr, x_max, alpha, seed

    def fit(self, X: np.ndarray) -> GloVe:
        rng = np.random.default_rng(self.seed)
        V = X.shape[0]
        params = [
            (rng.random((V, self.dim)) - 0.5) / self.dim,
            (rng.random((V, self.dim)) - 0.5) / self.dim,
            np.zeros(V),
            np.zeros(V),
        ]
        hist = [np.ones_like(p) for p in params]  # AdaGrad accumulators (start at 1, as the reference code)
        self.loss_curve_: list[float] = []
        for _ in range(self.epochs):
            W, Wt, b, bt = params
            loss, *grads = glove_loss_grads(W, Wt, b, bt, X, x_max=self.x_max, alpha=self.alpha)
            self.loss_curve_.append(loss)
            for p, g, h in zip(params, grads, hist, strict=True):
                h += g**2
                p -= self.lr * g / np.sqrt(h)
        self.W_, self.Wt_, self.b_, self.bt_ = params
        self.vectors_ = self.W_ + self.Wt_
        return self


def glove_loss(
    W: np.ndarray,
    Wt: np.ndarray,
    b: np.ndarray,
    bt: np.ndarray,
    X: np.ndarray,
    *,
    x_max: float = 100.0,
    alpha: float = 0.75,
) -> float:
    return glove_loss_grads(W, Wt, b, bt, X, x_max=x_max, alpha=alpha)[0]
