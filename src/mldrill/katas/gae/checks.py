"""Hidden checks for the gae kata. Expected values: the explicit sum A_t = sum_l (gamma lam)^l delta_{t+l} over the
steps of t's own episode (a double loop in NumPy, not the backward recursion). Two checks judge one relation only
(the final step; returns = advantages + values) so that they blame nothing else."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, expect_parts


def _gae(r, v, d, last, gamma, lam):
    n = len(r)
    nxt = np.append(v[1:], last)
    delta = r + gamma * nxt * (1 - d) - v
    adv = np.zeros(n)
    for t in range(n):
        for k in range(t, n):
            adv[t] += (gamma * lam) ** (k - t) * delta[k]
            if d[k]:
                break
    return adv, adv + v


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def rollout(n: int, p_done: float = 0.0):
        d = (rng.random(n) < p_done).astype(np.float64)
        return rng.normal(size=n), rng.normal(scale=2.0, size=n), d

    def call(c, k) -> Call:
        last, gamma, lam = k
        return Call(tuple(T(a) for a in c), {"last_value": last, "gamma": gamma, "lam": lam})

    def expect(cases, only: str = "all"):
        parts = [_gae(*c, *k) for c, k in cases]
        if only == "adv":
            parts = [(a, None) for a, _ in parts]
        return expect_parts(parts, ("advantages", "returns"), atol=1e-9, rtol=1e-9)

    def kw():
        return float(rng.uniform(0.8, 0.99)), float(rng.uniform(0.5, 0.97))

    random = [(rollout(int(rng.integers(8, 16)), 0.25), (float(rng.normal()), *kw())) for _ in range(2)]
    random[0][0][2][-1] = 1.0  # one rollout ends its last episode, the other may not
    n0 = int(rng.integers(5, 10))
    td0 = (rollout(n0), (0.0, kw()[0], 0.0))
    td1 = (rollout(n0 + 2), (0.0, kw()[0], 1.0))
    episodes = rollout(12)
    episodes[2][[2, 6, 7]] = 1.0  # three episode ends inside the rollout, the last episode unfinished
    multi = (episodes, (float(rng.normal()), 1.0, 1.0))  # gamma = lam = 1: plain sums of rewards per episode
    boot = (rollout(int(rng.integers(4, 8))), (float(rng.uniform(3, 6)), *kw()))
    rel = (rollout(9, 0.3), (float(rng.normal()), *kw()))

    def final_step(outcomes: list[Outcome]) -> str | Failure | None:
        (o,) = outcomes
        if o.error is not None:
            return Failure(f"raised {o.error}", 0)
        (r, v, _), (last, gamma, _) = boot
        want = r[-1] + gamma * last - v[-1]
        try:
            got = float(np.asarray(o.value[0], dtype=np.float64)[-1])
        except (TypeError, ValueError, IndexError, KeyError):
            return "expected a tuple (advantages, returns) of 1-D tensors"
        if abs(got - want) > 1e-9 * max(1.0, abs(want)):
            return Failure(f"advantages[-1] = {got:.10g}, expected {want:.10g}", 0, want, got)
        return None

    def returns_relation(outcomes: list[Outcome]) -> str | Failure | None:
        (o,) = outcomes
        if o.error is not None:
            return Failure(f"raised {o.error}", 0)
        v = rel[0][1]
        try:
            adv, ret = (np.asarray(x, dtype=np.float64) for x in o.value)
        except (TypeError, ValueError):
            return "expected a tuple (advantages, returns) of 1-D tensors"
        if ret.shape != v.shape or not np.allclose(ret, adv + v, atol=1e-9, rtol=1e-9):
            return Failure("returns differ from advantages + values", 0, adv + v, ret)
        return None

    return [
        Check(
            "matches GAE on random rollouts with episode ends",
            "A_t = sum_l (gamma lam)^l delta_{t+l} within t's episode, delta_t = r_t + gamma V_{t+1} (1 - done_t) "
            "- V_t; returns = A + V.",
            [call(c, k) for c, k in random],
            expect(random),
        ),
        Check(
            "lambda = 0 gives the one-step TD error",
            "At lam = 0 only delta_t survives: the carried advantage decays by gamma * lam, so decaying by gamma "
            "alone (dropping lam) turns GAE into a discounted sum of TD errors for every lam.",
            [call(*td0)],
            expect([td0], only="adv"),
        ),
        Check(
            "lambda = 1 gives the discounted return minus the value",
            "At lam = 1 the TD errors telescope to sum_l gamma^l r_{t+l} - V_t: the decay is gamma * lam, and "
            "decaying by lam alone forgets the discount.",
            [call(*td1)],
            expect([td1], only="adv"),
        ),
        Check(
            "nothing flows back across an episode end",
            "When done_t = 1 the next state belongs to a new episode: drop gamma * V_{t+1} from delta_t AND reset "
            "the carried advantage, or rewards of the next episode leak into this one's advantages.",
            [call(*multi)],
            expect([multi], only="adv"),
        ),
        Check(
            "bootstraps the final step from last_value",
            "A rollout cut off mid-episode continues past its last step: delta_{T-1} = r + gamma * last_value - V. "
            "Using 0 there treats every cut as a terminal state.",
            [call(*boot)],
            final_step,
        ),
        Check(
            "returns are advantages plus values",
            "The critic's target is A_t + V_t (the lambda-return), not the advantage itself and not the raw reward.",
            [call(*rel)],
            returns_relation,
        ),
    ]
