"""Hidden checks for the kl-divergence kata. Expected values: scipy.special.rel_entr summed (= scipy.stats.entropy)."""

from __future__ import annotations

from functools import partial

import numpy as np
import scipy.special
import scipy.stats

from mldrill.grader.checks import Call, Check
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="kl")


def _kl(p: np.ndarray, q: np.ndarray, base: float | None = None) -> float:
    p, q = p / p.sum(), q / q.sum()
    v = float(scipy.special.rel_entr(p, q).sum())
    assert np.isclose(v, scipy.stats.entropy(p, q)) or np.isinf(v)
    return v if base is None else v / np.log(base)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    p1, q1 = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
    perm = rng.permutation(3)  # the hand-chosen supports, reordered, with drawn masses (zeros stay zeros)

    def dist(*w: float) -> np.ndarray:
        return np.array(w)[perm] / sum(w)

    a, b = rng.uniform(0.2, 0.8, size=2)
    skew_p, skew_q = dist(rng.uniform(0.85, 0.95), 0.05, 0.05), dist(0.2, 0.4, 0.4 + rng.uniform(-0.1, 0.1))
    zero_p = dist(a, 0.0, 1 - a)
    zero_q = dist(0.0, b, 1 - b)
    unnorm = (
        np.array([2.0, 1.0, 1.0])[perm] * rng.uniform(0.5, 5),
        np.array([1.0, 1.0, 2.0])[perm] * rng.uniform(2, 9),
    )

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, np.ndarray, float | None]]) -> Check:
        calls = [Call((p, q), {} if b is None else {"base": b}) for p, q, b in cases]
        return Check(name, expl, calls, expect_scalar([_kl(p, q, b) for p, q, b in cases], atol=1e-12, rtol=1e-10))

    return [
        check("matches sum rel_entr(p, q)", "sum_i p_i log(p_i / q_i) in nats.", [(p1, q1, None), (q1, p1, None)]),
        check("is not symmetric: the expectation is under p", "KL(P || Q) != KL(Q || P): swapping the arguments "
              "computes the reverse KL (F.kl_div(input, target) is KL(target || input), M6).",
              [(skew_p, skew_q, None)]),
        check("0 log 0 = 0", "Where p_i = 0 the term is 0, even if q_i = 0 too; a NaN from 0 * log 0 is a bug.",
              [(zero_p, dist(0.25, 0.25, 0.5 + b), None), (zero_p, dist(1 - b, 0.0, b), None)]),
        check("infinite where q = 0 < p", "Q gives zero probability to an outcome P can produce: the divergence "
              "is +inf (not NaN, not a large finite number).", [(dist(a, 0.25, 0.25), zero_q, None)]),
        check("normalizes its inputs and converts units", "Weights are normalized to sum 1 first; base=2 gives "
              "bits (divide by log 2).", [(unnorm[0], unnorm[1], None), (p1, q1, 2.0)]),
    ]  # fmt: skip
