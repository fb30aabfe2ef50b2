"""Heavy-ball momentum (PyTorch's undamped SGD momentum) on a quadratic: stability limit and effective step.

PyTorch   v <- mu v + g,  theta <- theta - lr v        (= theta_{t+1} = theta_t - lr g_t + mu (theta_t - theta_{t-1}))
On f = lam theta^2 / 2 the error obeys r^2 - (1 + mu - lr lam) r + mu = 0; both roots lie inside the unit circle iff
          0 <= mu < 1 and 0 < lr lam < 2 (1 + mu)                                   (the stability limit)
So raising mu from 0.9 to 0.99 moves the limit on lr*lam from 3.8 to 3.98: it widens slightly. What grows 10x is the
step for a gradient that stays constant (or varies slowly), lr / (1 - mu), and the accumulated noise.

`stable` is the closed form; `spectral_radius` the companion matrix's; `run` iterates the update itself.
Tested in tests/ref/test_heavy_ball.py against torch.optim.SGD.
"""

from __future__ import annotations

import numpy as np


def stability_limit(mu: float) -> float:
    """Largest lr * lam for which heavy-ball momentum converges on a quadratic of curvature lam."""
    if not 0 <= mu < 1:
        raise ValueError(f"momentum must be in [0, 1), got {mu}")
    return 2 * (1 + mu)


def spectral_radius(lr: float, lam: float, mu: float) -> float:
    """Largest |root| of the iteration on (theta_t, theta_{t-1}); < 1 means the error contracts."""
    a = np.array([[1 + mu - lr * lam, -mu], [1.0, 0.0]])
    return float(np.abs(np.linalg.eigvals(a)).max())


def effective_lr(lr: float, mu: float) -> float:
    """Steady-state step per unit of a constant gradient: lr * (1 + mu + mu^2 + ...) = lr / (1 - mu)."""
    if not 0 <= mu < 1:
        raise ValueError(f"momentum must be in [0, 1), got {mu}")
    return lr / (1 - mu)


def run(lr: float, lam: float, mu: float, steps: int, theta0: float = 1.0) -> np.ndarray:
    """The iterates theta_0..theta_steps of v <- mu v + lam theta, theta <- theta - lr v (v starts at 0)."""
    out = np.empty(steps + 1)
    theta, v = theta0, 0.0
    out[0] = theta
    for t in range(steps):
        v = mu * v + lam * theta
        theta = theta - lr * v
        out[t + 1] = theta
    return out
