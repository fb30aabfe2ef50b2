"""Hidden checks for the info-nce kata. Expected values: F.cross_entropy(normalized q k^T / tau, arange(N))."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, Failure, Judge, Outcome, T, compare_arrays
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="loss")


def _nce(q: np.ndarray, k: np.ndarray, tau: float, normalize: bool = True) -> float:
    qt, kt = torch.from_numpy(q), torch.from_numpy(k)
    if normalize:
        qt, kt = F.normalize(qt, dim=-1), F.normalize(kt, dim=-1)
    return float(F.cross_entropy(qt @ kt.T / tau, torch.arange(len(q))))


def _same_as_explicit_tau(tau: float) -> Judge:
    """Call 1 leaves tau out, call 2 passes tau explicitly on the same input: the two losses must agree, whatever
    else the submission does (so only the default is judged)."""

    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        for i, o in enumerate(outcomes):
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i)
        explicit = outcomes[1].value
        msg = compare_arrays(outcomes[0].value, explicit, atol=1e-12, rtol=1e-12, name="loss with the default tau")
        if msg:
            return Failure(f"{msg} (the expected value is the loss with tau={tau} passed)", 0, explicit)
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def pair(n: int, d: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        q = rng.normal(size=(n, d))
        return q * scale, (q + 0.5 * rng.normal(size=(n, d))) * rng.uniform(0.2, 5.0, size=(n, 1))

    def mirrored(n: int, d: int, norms: str = "unit", far: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """k = q R with R a reflection (orthogonal and symmetric), so q k^T = q R q^T is symmetric: scoring keys
        against queries (the transpose) gives the same loss, and only the check's own trap shows.

        norms: "unit" (normalizing changes nothing), "shared" (row i of q and of k both of norm c_i in 0.2..5: the
        raw q k^T is still symmetric) or "apart" (q and k rows rescaled independently: symmetric only once
        normalized). far: query 0's positive scores -1 and key 1 about +0.95, so at tau = 0.001 the positive's
        softmax weight is below e^-1900, 0 in float64."""
        q = rng.normal(size=(n, d))
        if far:
            q[1] = -q[0] + 0.3 * rng.normal(size=d)
        q /= np.linalg.norm(q, axis=-1, keepdims=True)
        u = q[:1].T if far else rng.normal(size=(d, 1))
        k = q @ (np.eye(d) - 2 * (u @ u.T) / float((u * u).sum()))
        c = rng.uniform(0.2, 5.0, size=(n, 1))
        if norms == "shared":
            return q * c, k * c
        if norms == "apart":
            return q * c, k * rng.uniform(0.2, 5.0, size=(n, 1))
        return q, k

    dq, dk = mirrored(5, 4)

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, np.ndarray]], tau: float, norm: bool = True) -> Check:
        calls = [Call((T(q), T(k)), {"tau": tau, "normalize": norm}) for q, k in cases]
        return Check(name, expl, calls, expect_scalar([_nce(q, k, tau, norm) for q, k in cases], atol=1e-10,
                                                      rtol=1e-9))  # fmt: skip

    return [
        check("matches cross-entropy over the similarity matrix", "Row i's positive is key i: CE(S / tau, arange(N)), "
              "the mean over the N rows.", [pair(6, 4), pair(4, 8)], 0.1),
        check("L2-normalizes each row before the dot product", "Cosine similarity: divide each row of q and of k by "
              "its own norm (dim=-1; dim=0 would normalize each feature over the batch). Without it, keys with a "
              "large norm dominate every row (here norms vary by 25x).", [mirrored(5, 6, "apart")], 1.0),
        check("divides by tau", "The temperature divides the similarities: a small tau sharpens the softmax.",
              [mirrored(5, 4)], 0.05),
        check("raw dot products when normalize=False", "normalize=False uses q k^T as given.",
              [mirrored(4, 3, "shared")], 1.0, False),
        check("finite for a tiny temperature", "tau = 0.001 gives logits near +-1000: use a log-softmax (or CE), not "
              "log(softmax), whose weight for a positive far below the best key underflows to 0.",
              [mirrored(6, 5, far=True)], 0.001),
        check("query i against every key: rows of q k^T", "Each query is scored against all N keys: the softmax runs "
              "along the rows of q k^T (over keys, dim=-1) and the loss is that one direction only; CLIP's loss "
              "averages it with the key-to-query direction, which is another loss.",
              [pair(5, 4)], 0.3),
        Check("default temperature 0.07", "tau defaults to 0.07 (CLIP's initial temperature, MoCo's tau): leaving "
              "tau out must give the same loss as tau=0.07 (SimCLR's 0.1 or 0.5 is another default).",
              [Call((T(dq), T(dk))), Call((T(dq), T(dk)), {"tau": 0.07})], _same_as_explicit_tau(0.07)),
    ]  # fmt: skip
