"""Hidden checks for the speculative-acceptance kata. The rule is random, so the checks are statistical, on
B = 20,000 sequences that share one (p, q): each test fails at p-value < 1e-6, so a correct submission fails a
check with probability at most 1e-6 (chi-square tests: every expected count is >= 25, where the chi-square
approximation holds; acceptance counts: the exact binomial test). Expected distributions are closed forms: the
target p, min(p, q) summed, and norm(max(0, p - q)). Inputs are drawn so that each classic bug moves the tested
statistic far beyond that threshold."""

from __future__ import annotations

import numpy as np
from scipy.stats import binomtest, chisquare

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, TorchGen

B, V, ALPHA = 20_000, 5, 1e-6
MIN_ROWS = 500  # a distribution test on fewer rows is skipped (every expected count is still >= 25 at 500)


def _parse(outcomes: list[Outcome], k: int) -> tuple[np.ndarray, np.ndarray] | Failure:
    o = outcomes[0]
    if o.error is not None:
        return Failure(f"raised {o.error}", 0)
    if not isinstance(o.value, list) or len(o.value) != 2:
        return Failure("expected a tuple (n_accepted, next_token)", 0)
    n_acc, nxt = (np.asarray(v) for v in o.value)
    for name, a, hi in (("n_accepted", n_acc, k), ("next_token", nxt, V - 1)):
        if a.shape != (B,):
            return Failure(f"{name} has shape {a.shape}, expected ({B},)", 0)
        if not np.issubdtype(a.dtype, np.integer) and not np.array_equal(a, np.round(a)):
            return Failure(f"{name} must hold integers", 0)
        if a.min() < 0 or a.max() > hi:
            return Failure(f"{name} has values outside 0..{hi}: min {a.min()}, max {a.max()}", 0)
    return n_acc.astype(np.int64), nxt.astype(np.int64)


def _fit(tokens: np.ndarray, probs: np.ndarray, what: str) -> str | None:
    """None when `tokens` fit the distribution `probs` (chi-square p-value >= ALPHA, no impossible token)."""
    obs = np.bincount(tokens, minlength=V)
    impossible = (probs == 0) & (obs > 0)
    if impossible.any():
        t = int(np.argmax(impossible))
        return f"{what}: token {t} has probability 0 but was drawn {obs[t]} times (of {len(tokens)})"
    live = probs > 0
    exp = probs[live] / probs[live].sum() * len(tokens)
    pv = float(chisquare(obs[live], exp).pvalue)
    if pv < ALPHA:
        freq = np.round(obs / max(len(tokens), 1), 4).tolist()
        want = np.round(probs / probs.sum(), 4).tolist()
        return f"{what}: frequencies {freq} vs expected {want} (chi-square p = {pv:.2g})"
    return None


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def dist() -> np.ndarray:
        return 0.7 * rng.dirichlet(np.full(V, 2.0)) + 0.3 / V  # every token >= 0.06

    def drafts(q: np.ndarray) -> np.ndarray:
        return np.stack([rng.choice(V, size=B, p=qi) for qi in q], axis=1)

    def call(p: np.ndarray, q: np.ndarray, d: np.ndarray) -> Call:
        P = np.broadcast_to(p, (B, *p.shape)).copy()
        Q = np.broadcast_to(q, (B, *q.shape)).copy()
        return Call((T(P), T(Q), T(d.astype(np.int64))), {"generator": TorchGen(int(rng.integers(2**31)))})

    # -- the emitted token follows p (k = 3)
    p1, q1 = np.stack([dist() for _ in range(4)]), np.stack([dist() for _ in range(3)])
    d1 = drafts(q1)

    def judge_target(outcomes: list[Outcome]) -> str | Failure | None:
        got = _parse(outcomes, 3)
        if isinstance(got, Failure):
            return got
        n_acc, nxt = got
        first = np.where(n_acc >= 1, d1[:, 0], nxt)
        return _fit(first, p1[0], "first emitted token vs the target p")

    # -- the acceptance probability (k = 1), drawn where the classic wrong ratios are far off
    while True:
        p2, q2 = np.stack([dist(), dist()]), dist()[None]
        rate = float(np.minimum(p2[0], q2[0]).sum())
        inverted = float((q2[0] * np.minimum(1, q2[0] / p2[0])).sum())
        no_q = float((q2[0] * p2[0]).sum())
        if abs(inverted - rate) > 0.03 and abs(no_q - rate) > 0.03:
            break
    d2 = drafts(q2)

    def judge_accept(outcomes: list[Outcome]) -> str | Failure | None:
        got = _parse(outcomes, 1)
        if isinstance(got, Failure):
            return got
        acc = int((got[0] == 1).sum())
        pv = float(binomtest(acc, B, rate).pvalue)
        if pv < ALPHA:
            return f"accepted {acc / B:.4f} of the drafts; sum_x min(p(x), q(x)) = {rate:.4f} (binomial p = {pv:.2g})"
        return None

    # -- the residual after a rejection (k = 1): often rejected, every residual token well represented
    while True:
        p3, q3 = np.stack([dist(), dist()]), dist()[None]
        res = np.maximum(p3[0] - q3[0], 0)
        live = res[res > 0] / res.sum()
        if res.sum() >= 0.3 and live.min() >= 0.05 and (res == 0).any():
            break
    d3 = drafts(q3)

    def judge_residual(outcomes: list[Outcome]) -> str | Failure | None:
        got = _parse(outcomes, 1)
        if isinstance(got, Failure):
            return got
        n_acc, nxt = got
        rejected = nxt[n_acc == 0]
        if len(rejected) < MIN_ROWS:  # (a correct rule rejects 0.3 B or more) too few to judge: the acceptance
            return None  # check is the one that sees a wrong rejection rate
        return _fit(rejected, res, "replacement token after a rejection vs norm(max(0, p - q))")

    # -- the bonus token (k = 2, draft = target: always accepted)
    while True:
        p4 = np.stack([dist() for _ in range(3)])
        if ((p4[1] - p4[2]) ** 2 / p4[2]).sum() >= 0.05:
            break
    q4 = p4[:2].copy()
    d4 = drafts(q4)

    def judge_bonus(outcomes: list[Outcome]) -> str | Failure | None:
        got = _parse(outcomes, 2)
        if isinstance(got, Failure):
            return got
        n_acc, nxt = got
        bonus = nxt[n_acc == 2]  # all rows with a correct acceptance rule (q = p: min(1, p/q) = 1)
        if len(bonus) < MIN_ROWS:  # too few to judge: a wrong acceptance rule is the acceptance check's
            return None
        return _fit(bonus, p4[2], "bonus token (all drafts accepted) vs p[k]")

    # -- the first rejection ends the prefix (k = 2): position 0 always rejected, position 1 always accepted
    p5 = np.stack([dist() for _ in range(3)])
    x0 = int(rng.integers(V))
    p5[0, x0] = 0.0
    p5[0] /= p5[0].sum()
    q5 = np.stack([dist(), p5[1]])
    d5 = np.stack([np.full(B, x0), rng.choice(V, size=B, p=p5[1])], axis=1)  # the draft proposed x0, impossible under p

    def judge_stop(outcomes: list[Outcome]) -> str | Failure | None:
        got = _parse(outcomes, 2)
        if isinstance(got, Failure):
            return got
        bad = int((got[0] != 0).sum())
        if bad:
            return (
                f"p_0(x_0) = 0, so the first draft is always rejected and n_accepted must be 0; it is not in {bad} "
                f"rows (the later draft, always accepted, must not count)"
            )
        return None

    return [
        Check(
            "emitted tokens follow the target distribution",
            "Speculative sampling is exact: whatever the draft, the first emitted token (the accepted draft, or the "
            "replacement) is distributed as p. Any error in the accept/resample rule shows up here.",
            [call(p1, q1, d1)],
            judge_target,
        ),
        Check(
            "accepts a draft with probability min(1, p/q)",
            "Accept x with probability min(1, p(x) / q(x)): overall sum_x min(p(x), q(x)). Inverting the ratio "
            "(q/p) or ignoring q (accepting with p(x)) changes how often drafts survive, and the output's law.",
            [call(p2, q2, d2)],
            judge_accept,
        ),
        Check(
            "a rejection resamples from norm(max(0, p - q))",
            "After a rejection the replacement comes from the residual max(0, p - q), renormalised: the mass p has "
            "and q lacks. Resampling from p over-weights the tokens the draft already proposed; |p - q| puts mass "
            "where p < q.",
            [call(p3, q3, d3)],
            judge_residual,
        ),
        Check(
            "all drafts accepted: a bonus token from p[k]",
            "When all k drafts are accepted, the target's extra distribution p[:, k] (the position after the last "
            "draft) gives one more token for free: not p[:, k-1], and not a residual.",
            [call(p4, q4, d4)],
            judge_bonus,
        ),
        Check(
            "the accepted prefix ends at the first rejection",
            "Drafts after a rejected one were conditioned on a token that is not emitted: n_accepted is the length "
            "of the accepted PREFIX (cumprod of the accept flags), not the number of accepted drafts.",
            [call(p5, q5, d5)],
            judge_stop,
        ),
    ]
