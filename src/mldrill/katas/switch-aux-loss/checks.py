"""Hidden checks for the switch-aux-loss kata. Expected values from the closed forms in float64 NumPy/SciPy: the aux
loss E * sum_i f_i P_i and the z-loss mean(logsumexp(logits)^2). tests/ref/test_moe.py checks both closed forms
against transformers' Switch Transformers load_balancing_loss_func and router_z_loss_func; the checks do not import
transformers, which is a test dependency, not the app's."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp, softmax

from mldrill.grader.checks import Call, Check, T, expect_parts

# f_i = count / T is exact in float64, but torch.bincount(...) / T is float32 (an integer tensor divided by an int
# takes the default dtype), as is transformers' expert mask: a relative error up to 6e-8 in aux, not a bug.
AUX_TOL = {"atol": 1e-9, "rtol": 1e-6}


def _expected(logits: np.ndarray) -> tuple[float, float]:
    t, e = logits.shape
    probs = softmax(logits, axis=-1)  # (T, E)
    f = np.bincount(probs.argmax(-1), minlength=e) / t  # share of tokens dispatched to each expert
    aux = e * float((f * probs.mean(0)).sum())
    return aux, float(np.mean(logsumexp(logits, axis=-1) ** 2))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def logits(t: int, e: int, scale: float = 1.0) -> np.ndarray:
        return scale * rng.normal(size=(t, e))

    def check(name: str, why: str, xs: list[np.ndarray], only: str = "both") -> Check:
        want = [_expected(x) for x in xs]
        aux = expect_parts([(a if only != "z" else None, None) for a, _ in want], ("aux", "z"), **AUX_TOL)
        z = expect_parts([(None, z if only != "aux" else None) for _, z in want], ("aux", "z"), atol=1e-9, rtol=1e-9)
        return Check(name, why, [Call((T(x),)) for x in xs], lambda outcomes: aux(outcomes) or z(outcomes))

    e = int(rng.integers(4, 9))
    flat = np.repeat(rng.normal(scale=3.0, size=(int(rng.integers(5, 20)), 1)), e, axis=1)  # P uniform
    skewed = logits(int(rng.integers(40, 80)), e, scale=0.3)  # soft probabilities, one favourite expert by argmax
    skewed[:, int(rng.integers(e))] += 0.5
    columns = logits(int(rng.integers(6, 12)), e, scale=2.0)
    columns[:, 0] += rng.normal(scale=4.0, size=len(columns))  # softmax over tokens != softmax over experts
    near = rng.normal(scale=0.05, size=(int(rng.integers(8, 16)), e)) + rng.normal(scale=2.0, size=(1, 1))
    huge = logits(int(rng.integers(4, 10)), e, scale=1.0) + rng.choice([-1.0, 1.0]) * rng.uniform(800, 3000)
    return [
        check(
            "matches the Switch aux loss and z-loss on random logits",
            "aux = E * sum_i f_i P_i with f from the argmax dispatch and P the mean softmax; z = mean_t lse_t^2.",
            [logits(int(rng.integers(8, 40)), int(rng.integers(2, 9)), scale=2.0) for _ in range(3)],
        ),
        check(
            "aux is 1 when the router probabilities are uniform",
            "With P_i = 1/E, E * sum_i f_i / E = 1 for any dispatch: the factor E makes a balanced router score 1 "
            "at any E. Without it the loss shrinks as experts are added.",
            [flat],
            only="aux",
        ),
        check(
            "f counts the argmax dispatches, not probabilities",
            "f_i is the fraction of tokens SENT to expert i (top-1, a count with no gradient). Using the mean "
            "probability for f too gives E * sum P_i^2, a different (smoother) loss.",
            [skewed],
            only="aux",
        ),
        check(
            "router probabilities: softmax over each token's experts",
            "P_i averages over tokens the softmax taken across the E experts (dim=-1); a softmax over the tokens "
            "(dim=0) is not a routing distribution.",
            [columns],
            only="aux",
        ),
        check(
            "the z-loss uses logsumexp, not the max",
            "The log-partition log sum_i exp(z_i) is about max + log(number of near-ties): for close logits the max "
            "is off by up to log E.",
            [near, flat],
            only="z",
        ),
        check(
            "the z-loss squares each token's log-partition, then averages",
            "mean_t (lse_t^2), not (mean_t lse_t)^2 and not lse unsquared: by Jensen the two orders differ whenever "
            "the tokens' log-partitions differ.",
            [logits(int(rng.integers(10, 30)), e, scale=3.0) + rng.normal(scale=3.0, size=(1, 1))],
            only="z",
        ),
        check(
            "finite for logits in the thousands",
            "exp(1000) overflows to inf even in float64 (exp overflows above about 709): compute the log-partition "
            "with torch.logsumexp (max-subtracted) and the probabilities with torch.softmax.",
            [huge],
        ),
    ]
