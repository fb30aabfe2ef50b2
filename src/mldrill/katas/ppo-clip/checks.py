"""Hidden checks for the ppo-clip kata. Expected values: the formula in float64 NumPy. Inputs are built from
chosen ratios, so each check lives in one region of the clip: inside it, or outside on one side of A's sign."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_scalar


def _loss(logp, logp_old, adv, eps=0.2):
    rho = np.exp(logp - logp_old)
    return float(-np.mean(np.minimum(rho * adv, np.clip(rho, 1 - eps, 1 + eps) * adv)))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def case(rho, adv):
        old = -rng.uniform(0.5, 6.0, size=len(rho))
        return old + np.log(rho), old, np.asarray(adv, dtype=np.float64)

    def pos(n):
        return rng.uniform(0.2, 2.0, size=n)

    def region(eps, low_pos: bool):
        """Ratios outside [1 - eps, 1 + eps]: above it with A > 0 and below it with A < 0 (the clipped side), or
        the opposite pairs (the side where the unclipped, worse term must win)."""
        hi, lo = rng.uniform(1 + eps + 0.05, 2.0, size=3), rng.uniform(0.2, 1 - eps - 0.05, size=3)
        if low_pos:
            return case(np.concatenate([lo, hi]), np.concatenate([pos(3), -pos(3)]))
        return case(np.concatenate([hi, lo]), np.concatenate([pos(3), -pos(3)]))

    def call(c, eps=None) -> Call:
        return Call(tuple(T(a) for a in c), {} if eps is None else {"eps": eps})

    n = int(rng.integers(6, 12))
    random = case(np.exp(rng.normal(scale=0.4, size=n)), rng.normal(size=n))
    eps_r = float(rng.uniform(0.1, 0.3))
    inside = case(rng.uniform(0.85, 1.15, size=6), rng.normal(size=6))  # no clipping anywhere
    clipped, worse = region(0.2, low_pos=False), region(0.2, low_pos=True)
    eps_small = float(rng.uniform(0.05, 0.1))
    rho_mid = rng.uniform(1 + eps_small + 0.02, 1.18, size=4)  # clipped at this eps, inside [0.8, 1.2]
    eps_case = case(np.concatenate([rho_mid, 2.0 - rho_mid]), np.concatenate([pos(4), -pos(4)]))
    opts = dict(atol=1e-9, rtol=1e-9, name="loss")

    return [
        Check(
            "matches the clipped surrogate loss on random samples",
            "loss = -mean(min(rho * A, clip(rho, 1 - eps, 1 + eps) * A)) with rho = exp(logp - logp_old).",
            [call(random), call(random, eps_r)],
            expect_scalar([_loss(*random), _loss(*random, eps=eps_r)], **opts),
        ),
        Check(
            "the ratio is exp(logp - logp_old)",
            "Inside the clip range the loss is -mean(rho * A) with rho = pi / pi_old = exp(logp - logp_old): "
            "the difference of log-probs without exp, their quotient, or old over new is not the ratio.",
            [call(inside)],
            expect_scalar([_loss(*inside)], **opts),
        ),
        Check(
            "clipped where the ratio overshoots in the helpful direction",
            "For A > 0 and rho > 1 + eps (and for A < 0 and rho < 1 - eps) the objective is capped at "
            "(1 +- eps) * A: this is what keeps one update from moving the policy too far. Without the clip it "
            "keeps rewarding ever larger ratios.",
            [call(clipped)],
            expect_scalar([_loss(*clipped)], **opts),
        ),
        Check(
            "unclipped where the ratio moved the wrong way",
            "For A > 0 and rho < 1 - eps (and A < 0, rho > 1 + eps) the minimum picks the UNclipped term rho * A: "
            "the objective stays pessimistic, so a step that made a good action less likely is still penalized "
            "in full. Clipping without the min (or taking the max) hides it.",
            [call(worse)],
            expect_scalar([_loss(*worse)], **opts),
        ),
        Check(
            "uses the eps argument",
            "The clip range is the eps passed in; a hard-coded 0.2 clips in the wrong place for any other eps.",
            [call(eps_case, eps_small)],
            expect_scalar([_loss(*eps_case, eps=eps_small)], **opts),
        ),
    ]
