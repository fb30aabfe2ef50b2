"""Hidden checks for the grpo-advantages kata. Expected values: the formula in float64 NumPy (np.std is the
population std); one check judges only the within-group structure, so that a std bug is not blamed on the axis."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, expect_close


def _adv(r, eps=1e-8):
    mean, std = r.mean(-1, keepdims=True), r.std(-1, keepdims=True)
    return np.where(std > eps, (r - mean) / np.maximum(std, eps), 0.0)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def rewards(p: int, g: int):
        offset = rng.uniform(-5, 5, size=(p, 1))
        return offset + rng.uniform(0.3, 3.0, size=(p, 1)) * rng.normal(size=(p, g))

    random = [rewards(int(rng.integers(3, 6)), int(rng.integers(4, 9))) for _ in range(2)]
    binary = (rng.random((4, 8)) < rng.uniform(0.2, 0.8, size=(4, 1))).astype(np.float64)
    binary[0, :2] = [0.0, 1.0]  # every row keeps both outcomes
    groups = rewards(4, 6) + np.array([[0.0], [50.0], [-30.0], [200.0]])  # groups on very different scales
    single = rewards(1, int(rng.integers(2, 5)))  # one prompt, small G: population vs sample std differs most
    const = np.repeat(rng.uniform(-2, 2, size=(3, 1)), 5, axis=1)
    const[0] = 0.0
    const[1] = 1.0  # all wrong and all right under a 0/1 verifier

    def within_groups(outcomes: list[Outcome]) -> str | Failure | None:
        (o,) = outcomes
        if o.error is not None:
            return Failure(f"raised {o.error}", 0)
        try:
            a = np.asarray(o.value, dtype=np.float64)
        except (TypeError, ValueError):
            return f"expected a tensor, got {type(o.value).__name__}"
        if a.shape != groups.shape:
            return Failure(f"shape {a.shape}, expected {groups.shape}", 0, _adv(groups), o.value)
        centred = groups - groups.mean(-1, keepdims=True)
        for p in range(groups.shape[0]):
            if abs(a[p].mean()) > 1e-9 * max(1.0, np.abs(a[p]).max()):
                return Failure(f"the advantages of group {p} sum to {a[p].sum():.4g}, not 0", 0, _adv(groups), a)
            c = a[p] @ centred[p] / (centred[p] @ centred[p])  # the best scale; it must fit exactly and be > 0
            if not c > 0 or not np.allclose(a[p], c * centred[p], atol=1e-9, rtol=1e-7):
                return Failure(
                    f"group {p}'s advantages are not a positive multiple of its rewards minus ITS mean",
                    0,
                    _adv(groups),
                    a,
                )
        return None

    return [
        Check(
            "matches the group-normalized advantages on random rewards",
            "A = (r - mean over the group) / (population std over the group), per prompt.",
            [Call((T(r),)) for r in random] + [Call((T(binary),))],
            expect_close([_adv(r) for r in random] + [_adv(binary)], atol=1e-9, rtol=1e-9),
        ),
        Check(
            "normalizes within each prompt's group",
            "The baseline is the mean of the SAME prompt's completions (the last axis): pooling every prompt's "
            "rewards, or reducing over the prompts axis, compares completions of different prompts, whose rewards "
            "live on different scales.",
            [Call((T(groups),))],
            within_groups,
        ),
        Check(
            "divides by the population std",
            "GRPO standardizes by the population std (divide by G). torch.std's default is the sample std "
            "(divide by G - 1), which shrinks every advantage by sqrt((G - 1) / G), a lot for small groups; "
            "skipping the division leaves the rewards' own scale.",
            [Call((T(single),))],
            expect_close([_adv(single)], atol=1e-9, rtol=1e-9),
        ),
        Check(
            "a group with equal rewards gets zero advantages",
            "When every completion gets the same reward the std is 0 and (r - mean) / std is 0 / 0 = NaN, which "
            "poisons the whole batch's gradient. Such a group has no signal: its advantages are 0.",
            [Call((T(const),))],
            expect_close([np.zeros_like(const)], atol=1e-12, rtol=0.0),
        ),
    ]
