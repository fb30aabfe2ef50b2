"""Maximum likelihood and MAP estimates in closed form: Bernoulli/Beta, Gaussian, and ridge as a Gaussian prior.

Bernoulli MLE: p = k / n.   Beta(a, b) prior, MAP (posterior mode): (k + a - 1) / (n + a + b - 2);
posterior mean (k + a) / (n + a + b). Gaussian MLE: mu = mean, s^2 = (1/n) sum (x - mu)^2 (biased; the unbiased
1/(n-1) is not the MLE). Gaussian mean with known variance s^2 and prior N(m0, t^2):
MAP = (n t^2 xbar + s^2 m0) / (n t^2 + s^2). Linear model y ~ N(Xw, s^2), w ~ N(0, t^2 I): MAP = ridge with
lam = s^2 / t^2 (M51: a broader prior, larger t^2, means a *smaller* lam, weaker regularization).

Traps: MAP is still a point estimate (it ignores posterior spread); with a = b = 1 (flat prior) MAP = MLE;
multiplying many probabilities underflows (0.5^1100 == 0.0 in float64): sum log-probabilities instead.
Tested against scipy.stats fits and numerical optimization in tests/ref/classical/test_classical_mle.py.
"""

from __future__ import annotations

import numpy as np


def bernoulli_mle(x: np.ndarray) -> float:
    x = np.asarray(x)
    return float(x.sum() / len(x))


def beta_map(k: int, n: int, a: float, b: float) -> float:
    """Mode of the Beta(k + a, n - k + b) posterior; requires k + a > 1 and n - k + b > 1 for an interior mode."""
    if k + a <= 1 or n - k + b <= 1:
        raise ValueError("the posterior mode is on the boundary: need k + a > 1 and n - k + b > 1")
    return (k + a - 1) / (n + a + b - 2)


def beta_posterior_mean(k: int, n: int, a: float, b: float) -> float:
    return (k + a) / (n + a + b)


def gaussian_mle(x: np.ndarray) -> tuple[float, float]:
    """(mu, sigma^2) maximizing the likelihood: the variance divides by n, not n - 1."""
    x = np.asarray(x, dtype=np.float64)
    mu = float(x.mean())
    return mu, float(((x - mu) ** 2).mean())


def gaussian_mean_map(x: np.ndarray, *, sigma2: float, prior_mean: float, prior_var: float) -> float:
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    return float((n * prior_var * x.mean() + sigma2 * prior_mean) / (n * prior_var + sigma2))


def ridge_lambda(sigma2: float, tau2: float) -> float:
    """The ridge penalty equivalent to noise variance sigma2 and prior variance tau2 on each weight."""
    return sigma2 / tau2


def ridge_map(X: np.ndarray, y: np.ndarray, *, sigma2: float, tau2: float) -> np.ndarray:
    """argmax_w log N(y | Xw, sigma2 I) + log N(w | 0, tau2 I) = (X^T X + sigma2/tau2 I)^-1 X^T y."""
    lam = ridge_lambda(sigma2, tau2)
    return np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)


def log_likelihood_bernoulli(x: np.ndarray, p: float) -> float:
    """Sum of log-probabilities: stays finite where the product of probabilities underflows."""
    x = np.asarray(x)
    k = int(x.sum())
    return float(k * np.log(p) + (len(x) - k) * np.log1p(-p))
