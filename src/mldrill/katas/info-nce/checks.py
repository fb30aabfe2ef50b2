"""Hidden checks for the info-nce kata. Expected values: F.cross_entropy(normalized q k^T / tau, arange(N))."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="loss")


def _nce(q: np.ndarray, k: np.ndarray, tau: float, normalize: bool = True) -> float:
    qt, kt = torch.from_numpy(q), torch.from_numpy(k)
    if normalize:
        qt, kt = F.normalize(qt, dim=-1), F.normalize(kt, dim=-1)
    return float(F.cross_entropy(qt @ kt.T / tau, torch.arange(len(q))))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def pair(n: int, d: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        q = rng.normal(size=(n, d))
        return q * scale, (q + 0.5 * rng.normal(size=(n, d))) * rng.uniform(0.2, 5.0, size=(n, 1))

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, np.ndarray]], tau: float, norm: bool = True) -> Check:
        calls = [Call((T(q), T(k)), {"tau": tau, "normalize": norm}) for q, k in cases]
        return Check(name, expl, calls, expect_scalar([_nce(q, k, tau, norm) for q, k in cases], atol=1e-10,
                                                      rtol=1e-9))  # fmt: skip

    return [
        check("matches cross-entropy over the similarity matrix", "Row i's positive is key i: CE(S / tau, arange(N)).",
              [pair(6, 4), pair(4, 8)], 0.1),
        check("L2-normalizes before the dot product", "Cosine similarity: without normalizing, keys with a large "
              "norm dominate every row (here norms vary by 25x).", [pair(5, 6, scale=3.0)], 0.2),
        check("divides by tau", "The temperature divides the similarities: a small tau sharpens the softmax.",
              [pair(5, 4)], 0.05),
        check("raw dot products when normalize=False", "normalize=False uses q k^T as given.", [pair(4, 3)], 1.0,
              False),
        check("finite for a tiny temperature", "tau = 0.001 gives logits near +-1000: use a log-softmax (or CE), not "
              "log(softmax).", [pair(6, 5)], 0.001),
    ]  # fmt: skip
