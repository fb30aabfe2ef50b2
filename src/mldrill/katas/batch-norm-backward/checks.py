"""Hidden checks for the batch-norm-backward kata. Expected gradients: torch.autograd through F.batch_norm in training
mode, in float64, with a random upstream gradient (not .sum(), which hides symmetric mistakes)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_parts


def _case(rng: np.random.Generator, n: int, c: int, eps: float = 1e-5):
    x = rng.normal(size=(n, c)) * 2 + 1
    gamma, beta, dout = rng.normal(size=c), rng.normal(size=c), rng.normal(size=(n, c))
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    y = F.batch_norm(xt, None, None, gt, bt, training=True, eps=eps)
    dx, dg, db = torch.autograd.grad(y, (xt, gt, bt), torch.from_numpy(dout))
    rstd = 1.0 / np.sqrt(x.var(axis=0, keepdims=True) + eps)
    cache = ((x - x.mean(0, keepdims=True)) * rstd, gamma, rstd)
    return (dout, cache), [dx.numpy(), dg.numpy(), db.numpy()]


PARTS = ("dx", "dgamma", "dbeta")


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def check(name: str, expl: str, shapes: list[tuple[int, int]], only: tuple[str, ...] = PARTS) -> Check:
        """`only`: the parts this check judges (a check about dgamma must not fail for a bug in dx)."""
        cases = [_case(rng, n, c) for n, c in shapes]
        calls = [Call((T(d), tuple(T(a) for a in cache))) for (d, cache), _ in cases]
        want = [[w if p in only else None for p, w in zip(PARTS, ws, strict=True)] for _, ws in cases]
        return Check(name, expl, calls, expect_parts(want, PARTS, atol=1e-10, rtol=1e-8))

    return [
        check("matches autograd through F.batch_norm", "dx = rstd (g - mean(g) - x_hat mean(g x_hat)) with "
              "g = dout gamma and the means over the batch (dim 0); dgamma = sum(dout x_hat); dbeta = sum(dout).",
              [(6, 3), (10, 5)]),
        check("dx includes the paths through the batch mean and variance", "Every x_n moves mu and sigma^2, so dx "
              "has two correction terms; rstd * g alone is the eval-mode gradient (frozen statistics).", [(4, 2)],
              ("dx",)),
        check("dgamma and dbeta sum over the batch", "The parameters are shared by all N rows: sum their gradients "
              "over dim 0 (shape (C,)), do not average them.", [(8, 4)], ("dgamma", "dbeta")),
    ]  # fmt: skip
