"""Hidden checks for the orpo-loss kata. Expected values: the closed form in float64 NumPy, with
log odds = lp - log(-expm1(lp)) and -log sigmoid(z) = logaddexp(0, -z)."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, expect_scalar


def _log_odds(lp):
    return lp - np.log(-np.expm1(lp))


def _orpo(nll, lw, ll, lam):
    return float(np.mean(nll) + lam * np.mean(np.logaddexp(0.0, -(_log_odds(lw) - _log_odds(ll)))))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def case(n: int):
        nll = rng.uniform(0.5, 3.0, size=n)
        return nll, -rng.uniform(0.05, 2.5, size=n), -rng.uniform(0.05, 2.5, size=n)

    def call(c, lam: float) -> Call:
        return Call(tuple(T(a) for a in c), {"lam": lam})

    def expect(cases, atol: float = 1e-9):
        return expect_scalar([_orpo(*c, lam) for c, lam in cases], atol=atol, rtol=1e-9, name="loss")

    random = [(case(int(rng.integers(3, 9))), float(lam)) for lam in rng.uniform(0.05, 1.0, size=2)]
    sft = (case(int(rng.integers(3, 7))), 0.0)  # lam = 0: the loss is the mean NLL alone
    eq = case(5)
    equal = ((eq[0], eq[1], eq[1].copy()), float(rng.uniform(0.2, 2.0)))  # equal log-probs: penalty lam * ln 2
    # probabilities far from 1/2 on both sides: log odds and log probabilities differ a lot there
    lw = np.concatenate([-rng.uniform(0.01, 0.1, size=3), -rng.uniform(2.0, 4.0, size=3)])
    ll = np.concatenate([-rng.uniform(2.0, 4.0, size=3), -rng.uniform(0.01, 0.1, size=3)])
    odds = ((np.zeros(6), lw, ll), 1.0)
    # a rejected response that is nearly certain: p = exp(-1e-15) rounds to 1, 1 - p to 0
    tiny = 10.0 ** -rng.uniform(14, 17, size=3)
    near = ((rng.uniform(0.5, 2.0, size=3), -rng.uniform(0.3, 1.5, size=3), -tiny), float(rng.uniform(0.1, 1.0)))

    base = case(6)
    lam_dir = float(rng.uniform(0.3, 1.0))
    up = (base[0], base[1] * 0.5, base[2])  # chosen made more likely (log-prob halved towards 0)

    def lowers(outcomes: list[Outcome]) -> str | Failure | None:
        for i, o in enumerate(outcomes):
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i)
        try:
            a, b = (float(np.asarray(o.value, dtype=np.float64).reshape(())) for o in outcomes)
        except (TypeError, ValueError):
            return "expected a single number (a 0-d tensor) from each call"
        if not b < a:
            return Failure(
                f"making the chosen responses more likely changed the loss from {a:.6g} to {b:.6g}; it must go down",
                1,
                _orpo(*up, lam_dir),
                b,
            )
        return None

    return [
        Check(
            "matches the ORPO loss on random pairs",
            "loss = mean(nll_w) - lam * mean(log sigmoid(log odds_w - log odds_l)), log odds = lp - log(1 - e^lp).",
            [call(c, lam) for c, lam in random],
            expect(random),
        ),
        Check(
            "the SFT term is the mean NLL of the chosen responses",
            "With lam = 0 ORPO is plain SFT: the mean over pairs of the chosen responses' NLL, with weight 1 (not a "
            "sum over pairs, not scaled by lam or 1 - lam).",
            [call(*sft)],
            expect([sft]),
        ),
        Check(
            "ln 2 penalty when chosen and rejected are equally likely",
            "Equal log-probs give equal log odds and -log sigmoid(0) = ln 2, so the loss is mean(nll) + lam * ln 2: "
            "the penalty is MINUS lam times the log-sigmoid (a plus sign rewards a bad odds ratio).",
            [call(*equal)],
            expect([equal]),
        ),
        Check(
            "log odds, not log probabilities",
            "ORPO compares odds p / (1 - p), not probabilities: log odds = lp - log(1 - e^lp). Comparing the "
            "log-probs alone ignores the 1 - p term, which dominates for responses that are already likely.",
            [call(*odds)],
            expect([odds]),
        ),
        Check(
            "raising the chosen log-prob lowers the loss",
            "The margin is log odds(chosen) - log odds(rejected): making the chosen response more likely must lower "
            "the loss. Rejected minus chosen trains the model towards the rejected answers.",
            [call(base, lam_dir), call(up, lam_dir)],
            lowers,
        ),
        Check(
            "accurate when a response is nearly certain",
            "For a mean log-prob of -1e-15, p = exp(lp) rounds to 1 and 1 - p (or log1p(-exp(lp))) to 0: the log "
            "odds become infinite. Compute 1 - p as -expm1(lp), exact for tiny |lp|.",
            [call(*near)],
            expect([near], atol=1e-7),
        ),
    ]
