"""Information theory on discrete distributions: entropy, cross-entropy, KL, Jensen-Shannon, mutual information.

H(P) = -sum p log p;  H(P, Q) = -sum p log q = H(P) + KL(P || Q);  KL(P || Q) = sum p log(p / q) >= 0;
JS(P, Q) = 1/2 KL(P || M) + 1/2 KL(Q || M), M = (P + Q) / 2;  I(X; Y) = H(X) + H(Y) - H(X, Y) = KL(P_XY || P_X P_Y);
H(Y | X) = H(X, Y) - H(X);  Gini = 1 - sum p^2;  perplexity = e^H (nats) = 2^H (bits).
`base` picks the unit: e (nats, the default), 2 (bits). 1 nat = 1/ln 2 = 1.4427 bits.

Traps: 0 log 0 = 0 (use where/xlogy, not log(0) * 0 = nan); KL is infinite where q = 0 < p and is not symmetric
(forward KL(P||Q) is mean-seeking, reverse KL(Q||P) mode-seeking); JS is bounded by ln 2 nats = 1 bit and only its
square root is a metric; scipy.spatial.distance.jensenshannon returns sqrt(JS) (M56); entropy is maximal (log K)
for the uniform distribution, and a high-entropy feature (an ID column) is not an informative one: usefulness is
I(X; Y) with the target (M55); I(X; Y) = H(X) means H(X | Y) = 0, i.e. Y determines X (M57).
Inputs that do not sum to 1 are normalized, as scipy.stats.entropy does. Tested against scipy and sklearn in
tests/ref/test_info.py.
"""

from __future__ import annotations

import numpy as np


def _normalize(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    if (p < 0).any():
        raise ValueError("probabilities must be non-negative")
    s = p.sum(axis=-1, keepdims=True)
    if (s == 0).any():
        raise ValueError("a distribution sums to 0")
    return p / s


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * log(y), with 0 * log(anything) = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(np.where(x == 0, 1.0, y)))


def _unit(value: np.ndarray | float, base: float | None) -> np.ndarray | float:
    return value if base is None else value / np.log(base)


def entropy(p: np.ndarray, *, base: float | None = None) -> float:
    p = _normalize(p)
    return float(_unit(-_xlogy(p, p).sum(), base))


def cross_entropy_dist(p: np.ndarray, q: np.ndarray, *, base: float | None = None) -> float:
    """H(P, Q) = -sum p log q (inf where q = 0 < p)."""
    p, q = _normalize(p), _normalize(q)
    return float(_unit(-_xlogy(p, q).sum(), base))


def kl(p: np.ndarray, q: np.ndarray, *, base: float | None = None) -> float:
    """KL(P || Q) = sum p log(p / q): the expectation is under P. Swap the arguments for the reverse KL."""
    p, q = _normalize(p), _normalize(q)
    if ((q == 0) & (p > 0)).any():
        return float("inf")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1.0)) - np.log(np.where(p > 0, q, 1.0))), 0.0)
    return float(_unit(terms.sum(), base))


def js(p: np.ndarray, q: np.ndarray, *, base: float | None = None) -> float:
    """Jensen-Shannon divergence (not its square root); <= ln 2 nats = 1 bit."""
    p, q = _normalize(p), _normalize(q)
    m = (p + q) / 2
    return 0.5 * kl(p, m, base=base) + 0.5 * kl(q, m, base=base)


def joint_from_samples(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Empirical joint distribution table P[i, j] = P(X = x_i, Y = y_j) from paired samples."""
    _, xi = np.unique(x, return_inverse=True)
    _, yi = np.unique(y, return_inverse=True)
    P = np.zeros((xi.max() + 1, yi.max() + 1))
    np.add.at(P, (xi, yi), 1.0)
    return P / P.sum()


def mutual_information(joint: np.ndarray, *, base: float | None = None) -> float:
    """I(X; Y) = sum_xy p(x, y) log(p(x, y) / (p(x) p(y))) for a joint table (counts or probabilities)."""
    P = np.asarray(joint, dtype=np.float64)
    P = P / P.sum()
    px, py = P.sum(1, keepdims=True), P.sum(0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(P > 0, P * np.log(np.where(P > 0, P / (px * py), 1.0)), 0.0)
    return float(_unit(max(float(terms.sum()), 0.0), base))


def information_table(joint: np.ndarray, *, base: float | None = None) -> tuple[float, float, float, float]:
    """(I(X; Y), H(X), H(Y), H(X, Y)) of a joint table: rows index X, columns Y (counts or probabilities)."""
    P = _normalize(np.asarray(joint, dtype=np.float64).ravel()).reshape(np.shape(joint))  # (nx, ny)
    hx, hy, hxy = entropy(P.sum(1), base=base), entropy(P.sum(0), base=base), entropy(P.ravel(), base=base)
    return mutual_information(P, base=base), hx, hy, hxy


def conditional_entropy(joint: np.ndarray, *, base: float | None = None) -> float:
    """H(Y | X) = H(X, Y) - H(X), rows of the table indexed by X."""
    P = np.asarray(joint, dtype=np.float64)
    P = P / P.sum()
    return entropy(P.ravel(), base=base) - entropy(P.sum(1), base=base)


def gini(p: np.ndarray) -> float:
    """Gini impurity 1 - sum p^2 (the probability that two independent draws disagree)."""
    p = _normalize(p)
    return float(1.0 - (p**2).sum())


def binary_entropy(p: float, *, base: float | None = 2.0) -> float:
    return entropy(np.array([p, 1.0 - p]), base=base)


def to_bits(nats: float) -> float:
    return nats / np.log(2.0)


def perplexity_from_entropy(h: float, *, base: float = np.e) -> float:
    """base^H: e^H for an entropy in nats, 2^H in bits; both give the same number for the same distribution."""
    return float(base**h)
