"""Hidden checks for the dpo-loss kata. Expected values: the closed form in float64 NumPy (np.logaddexp(0, -z))."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_parts


def _dpo(pw, pl, rw, rl, beta):
    """(mean loss, chosen rewards, rejected rewards); -log sigmoid(z) = log(1 + e^-z) = logaddexp(0, -z)."""
    cw, cl = beta * (pw - rw), beta * (pl - rl)
    return np.mean(np.logaddexp(0.0, -(cw - cl))), cw, cl


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def pairs(n: int, spread: float = 3.0):
        pw = rng.uniform(-80, -20, size=n)
        pl = pw + rng.normal(scale=spread, size=n)
        return pw, pl, pw + rng.normal(scale=spread, size=n), pl + rng.normal(scale=spread, size=n)

    def call(case, beta: float) -> Call:
        return Call(tuple(T(a) for a in case), {"beta": beta})

    random = [(pairs(int(rng.integers(3, 9))), float(b)) for b in rng.uniform(0.05, 0.5, size=2)]
    same = pairs(5)
    same = (same[0], same[1], same[0].copy(), same[1].copy())  # policy = reference: loss ln 2 for any beta
    tie = pairs(4)  # equal implicit rewards but different raw log-probs: only the reference makes them equal
    tie = (tie[0], tie[1], tie[0] - 7.0, tie[1] - 7.0)
    prefer = pairs(4, spread=0.5)
    prefer = (prefer[0] + 6.0, prefer[1], prefer[2], prefer[3])  # chosen raised above its reference: loss < ln 2
    huge = pairs(3)
    huge = (huge[0] + np.array([-20000.0, 20000.0, 0.0]), huge[1], huge[2], huge[3])  # margins of -2000 and +2000
    beta_hi = float(rng.uniform(2.0, 5.0))

    def expect(cases: list[tuple[tuple[np.ndarray, ...], float]], atol: float = 1e-9, only: str = "all"):
        """Compare every part, or only the loss, or only the rewards (so a check blames only its own part)."""
        parts = [_dpo(*c, b) for c, b in cases]
        if only == "loss":
            parts = [(loss, None, None) for loss, _, _ in parts]
        elif only == "rewards":
            parts = [(None, cw, cl) for _, cw, cl in parts]
        return expect_parts(parts, ("loss", "chosen_rewards", "rejected_rewards"), atol=atol, rtol=1e-9)

    return [
        Check(
            "matches the DPO loss and rewards on random pairs",
            "loss = mean(-log sigmoid(beta * ((pi_w - ref_w) - (pi_l - ref_l)))); rewards = beta * (pi - ref).",
            [call(c, b) for c, b in random],
            expect(random),
        ),
        Check(
            "ln 2 when the policy equals the reference",
            "At pi = ref every log-ratio is 0 and -log sigmoid(0) = ln 2, whatever beta: a loss that is not ln 2 "
            "here is scaled or reduced wrongly (beta outside the sigmoid, a sum instead of the mean over pairs).",
            [call(same, 0.1), call(same, beta_hi)],
            expect([(same, 0.1), (same, beta_hi)], only="loss"),
        ),
        Check(
            "subtracts the reference log-probs",
            "DPO compares the policy to the frozen reference: the margin is a difference of log-RATIOS. Using "
            "log pi_w - log pi_l alone ignores how likely each response already was under the reference.",
            [call(tie, 0.2)],
            expect([(tie, 0.2)], only="loss"),
        ),
        Check(
            "chosen minus rejected",
            "Raising the chosen response's log-ratio must lower the loss: the margin is (chosen) - (rejected). "
            "Swapping them trains the policy towards the rejected answers.",
            [call(prefer, 0.3)],
            expect([(prefer, 0.3)], only="loss"),
        ),
        Check(
            "finite for large margins",
            "log(sigmoid(z)) underflows to log(0) = -inf for very negative margins (below about -100 in float32, -745 "
            "in float64): use F.logsigmoid (or softplus(-z)), which stays finite.",
            [call(huge, 0.1)],
            expect([(huge, 0.1)], atol=1e-6, only="loss"),
        ),
        Check(
            "implicit rewards are beta times the log-ratio",
            "The reward DPO implies for a response is beta * (log pi - log ref); report it per response, chosen "
            "and rejected separately (without beta, or without the reference, it is not the implicit reward).",
            [call(random[0][0], 1.7)],
            expect([(random[0][0], 1.7)], only="rewards"),
        ),
    ]
