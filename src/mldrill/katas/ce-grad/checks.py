"""Hidden checks for the ce-grad kata. Expected gradients: complex-step differentiation of the cross-entropy loss,
exact to machine precision (no subtraction error), independent of the softmax - onehot formula."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, expect_close

H = 1e-30


def _loss(z: np.ndarray, y: np.ndarray, reduction: str) -> complex:
    m = z.real.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))  # works on complex input
    per = lse - z[np.arange(len(y)), y]
    return per.mean() if reduction == "mean" else per.sum()


def _grad(z: np.ndarray, y: np.ndarray, reduction: str = "mean") -> np.ndarray:
    g = np.zeros_like(z)
    for idx in np.ndindex(*z.shape):
        zc = z.astype(complex)
        zc[idx] += 1j * H
        g[idx] = _loss(zc, y, reduction).imag / H
    return g


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    a = (rng.normal(size=(5, 4)) * 2, rng.integers(0, 4, size=5))
    b = (rng.normal(size=(3, 6)), rng.integers(0, 6, size=3))
    big = (
        np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]]) * rng.uniform(0.85, 1.2)
        + rng.normal(scale=0.3, size=(2, 3)),
        np.array([1, 2]),
    )

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, np.ndarray]], red: str = "mean") -> Check:
        calls = [Call((z, y), {"reduction": red}) for z, y in cases]
        return Check(name, expl, calls, expect_close([_grad(z, y, red) for z, y in cases], atol=1e-12, rtol=1e-9))

    return [
        check("matches the derivative of the mean cross-entropy", "(softmax(z) - onehot(y)) / N: the softmax runs "
              "over each row's classes (axis 1), and the 1 is subtracted only at each row's own label "
              "[arange(N), y], not in column y of every row.", [a, b]),
        check("p - y, with the sign of the gradient", "The gradient of the loss is p - y (positive on the wrong "
              "classes); y - p is the descent direction, not the gradient.", [b]),
        check("reduction='sum' does not divide by N", "Summing the per-example losses sums their gradients.", [a],
              "sum"),
        check("finite for logits of +-1000", "Subtract the row max inside the softmax: exp(1000) overflows.", [big]),
    ]  # fmt: skip
