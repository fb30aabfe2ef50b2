"""A NumPy MLP trained with hand-written backprop: Linear -> act -> ... -> Linear -> softmax cross-entropy.

Forward, per layer: z = h W^T + b;  h' = act(z).      Loss: mean CE of the logits.
Backward, per layer from the top: dW = dz^T h;  db = sum_N dz;  dh = dz W;  dz_prev = dh * act'(z_prev).
The top gradient is dlogits = (softmax(logits) - onehot(y)) / N.

Weights are stored as (out, in) like nn.Linear, so they copy into a torch model key by key. Initialization is
PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases, from a seeded numpy Generator.
Traps: dW needs the *input* of the layer (cache it); the bias gradient sums over the batch; the 1/N of the mean
loss belongs in dlogits only once. Tested against torch.autograd in float64 (tests/ref/test_mlp.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mldrill.ref.numerics import log_softmax, softmax

ACTS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
}


@dataclass
class MLP:
    sizes: list[int]
    act: str = "relu"
    seed: int = 0
    W: list[np.ndarray] = field(init=False)
    b: list[np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        if self.act not in ACTS:
            raise ValueError(f"act must be one of {sorted(ACTS)}, got {self.act!r}")
        rng = np.random.default_rng(self.seed)
        self.W, self.b = [], []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            bound = 1 / np.sqrt(n_in)
            self.W.append(rng.uniform(-bound, bound, size=(n_out, n_in)))  # (out, in)
            self.b.append(rng.uniform(-bound, bound, size=n_out))  # (out,)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Logits (N, V) and the cache: per layer (its input h, its pre-activation z)."""
        f, _ = ACTS[self.act]
        cache = []
        h = x  # (N, C_in)
        for i, (w, b) in enumerate(zip(self.W, self.b, strict=True)):
            z = h @ w.T + b  # (N, C_out)
            cache.append((h, z))
            h = f(z) if i < len(self.W) - 1 else z
        return h, cache

    def loss(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, list]:
        logits, cache = self.forward(x)
        lp = log_softmax(logits, axis=-1)  # (N, V)
        return float(-lp[np.arange(len(y)), y].mean()), logits, cache

    def backward(
        self, logits: np.ndarray, y: np.ndarray, cache: list[tuple[np.ndarray, np.ndarray]]
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradients of the mean CE w.r.t. every W and b."""
        _, df = ACTS[self.act]
        n = len(y)
        dz = softmax(logits, axis=-1)  # (N, V)
        dz[np.arange(n), y] -= 1.0
        dz /= n
        dW: list[np.ndarray] = [np.empty(0)] * len(self.W)
        db: list[np.ndarray] = [np.empty(0)] * len(self.W)
        for i in reversed(range(len(self.W))):
            h, _ = cache[i]
            dW[i] = dz.T @ h  # (out, in)
            db[i] = dz.sum(0)  # (out,)
            if i > 0:
                dh = dz @ self.W[i]  # (N, in)
                dz = dh * df(cache[i - 1][1])  # through the previous layer's activation
        return dW, db

    def sgd_step(self, x: np.ndarray, y: np.ndarray, lr: float) -> float:
        loss, logits, cache = self.loss(x, y)
        dW, db = self.backward(logits, y, cache)
        for i in range(len(self.W)):
            self.W[i] -= lr * dW[i]
            self.b[i] -= lr * db[i]
        return loss

    def fit(self, x: np.ndarray, y: np.ndarray, *, lr: float = 0.1, steps: int = 100) -> list[float]:
        return [self.sgd_step(x, y, lr) for _ in range(steps)]
