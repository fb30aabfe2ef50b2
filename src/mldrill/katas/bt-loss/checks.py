"""Hidden checks for the bt-loss kata. Expected values: -log sigma(z) = logaddexp(0, -z) in float64 NumPy."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, expect_scalar


def _bt(rw, rl):
    return float(np.mean(np.logaddexp(0.0, -(rw - rl))))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def pairs(n: int):
        rw = rng.normal(scale=2.0, size=n)
        return rw, rw + rng.normal(scale=1.5, size=n)

    opts = dict(atol=1e-9, rtol=1e-9, name="loss")
    random = [pairs(int(rng.integers(4, 12))) for _ in range(2)]
    shift = float(rng.uniform(-50, 50))
    random.append((random[0][0] + shift, random[0][1] + shift))  # a common offset changes nothing
    r = rng.normal(size=int(rng.integers(5, 12)))
    equal = (r, r.copy())
    base = pairs(6)
    better = (base[0] + rng.uniform(0.5, 2.0, size=6), base[1])
    huge = pairs(4)
    huge = (huge[0] + np.array([-1500.0, 1500.0, -800.0, 0.0]), huge[1])  # gaps beyond exp's float64 range

    def lowers(outcomes: list[Outcome]) -> str | Failure | None:
        for i, o in enumerate(outcomes):
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i)
        try:
            a, b = (float(np.asarray(o.value, dtype=np.float64).reshape(())) for o in outcomes)
        except (TypeError, ValueError):
            return "expected a single number (a 0-d tensor) from each call"
        if not b < a:
            return Failure(f"raising the chosen rewards changed the loss from {a:.6g} to {b:.6g}", 1, _bt(*better), b)
        return None

    return [
        Check(
            "matches the Bradley-Terry loss on random pairs",
            "loss = mean(-log sigmoid(r_chosen - r_rejected)); a common offset of both rewards changes nothing.",
            [Call((T(a), T(b))) for a, b in random],
            expect_scalar([_bt(*p) for p in random], **opts),
        ),
        Check(
            "ln 2 at equal rewards",
            "When the model cannot tell the responses apart the loss is -log sigmoid(0) = ln 2, the MEAN over "
            "pairs: a sum grows with the batch, and a loss without the log (or without the minus) is not a "
            "likelihood.",
            [Call((T(equal[0]), T(equal[1])))],
            expect_scalar([_bt(*equal)], **opts),
        ),
        Check(
            "a higher chosen reward lowers the loss",
            "The model is rewarded for scoring the chosen response above the rejected one: the margin is "
            "r_chosen - r_rejected. The reverse trains it to prefer the rejected responses.",
            [Call((T(base[0]), T(base[1]))), Call((T(better[0]), T(better[1])))],
            lowers,
        ),
        Check(
            "finite for large reward gaps",
            "sigmoid(-1500) underflows to 0 and its log to -inf; exp(1500) overflows: use F.logsigmoid or "
            "F.softplus(-z), which stay finite and exact (-log sigmoid(z) is about -z for very negative z).",
            [Call((T(huge[0]), T(huge[1])))],
            expect_scalar([_bt(*huge)], **opts),
        ),
    ]
