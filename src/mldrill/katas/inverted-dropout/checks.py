"""Hidden checks for the inverted-dropout kata.

The drop rate is judged with a chi-square goodness-of-fit test (scipy.stats.chisquare) at alpha = 1e-6, so a correct
solution fails that check once in a million runs (the generator seeds come from the run's seed, so a verdict replays
with it). Swapping p and 1 - p is off by thousands of standard deviations. Everything else is exact.
"""

from __future__ import annotations

import numpy as np
import scipy.stats

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, TorchGen, expect_close

ALPHA = 1e-6


def _array(o: Outcome, i: int) -> tuple[np.ndarray | None, str | None]:
    if o.error is not None:
        return None, f"call {i + 1}: raised {o.error}"
    if not isinstance(o.value, np.ndarray):
        return None, f"call {i + 1}: expected a tensor, got {type(o.value).__name__}"
    return o.value.astype(np.float64), None


def zero_or_scaled(x: np.ndarray, p: float) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        y, err = _array(outcomes[0], 0)
        if y is None:
            return err
        if y.shape != x.shape:
            return f"shape {y.shape}, expected {x.shape}"
        ok = (y == 0) | np.isclose(y, x / (1 - p), rtol=1e-12, atol=0)
        if not ok.all():
            j = tuple(int(v) for v in np.argwhere(~ok)[0])
            return f"output{list(j)} = {y[j]:.10g}: expected 0 or x / (1 - p) = {x[j] / (1 - p):.10g}"
        return None

    return judge


def drop_rate(n: int, p: float) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        y, err = _array(outcomes[0], 0)
        if y is None:
            return err
        dropped = int((y == 0).sum())
        stat = scipy.stats.chisquare([dropped, n - dropped], [p * n, (1 - p) * n])
        if stat.pvalue < ALPHA:
            return (
                f"{dropped} of {n} elements dropped ({dropped / n:.3f}), expected about p = {p} "
                f"(chi-square p-value {stat.pvalue:.2g} < {ALPHA})"
            )
        return None

    return judge


def same_seed_same_mask() -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        ys = []
        for i, o in enumerate(outcomes):
            y, err = _array(o, i)
            if y is None:
                return err
            ys.append(y)
        if not np.array_equal(ys[0], ys[1]):
            return "two calls with generators seeded alike returned different masks: draw from `generator`"
        if np.array_equal(ys[0], ys[2]):
            return "generators with different seeds returned the same mask"
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    x = rng.uniform(0.5, 2.0, size=(40, 50))
    ones = np.full((100, 100), rng.uniform(0.5, 2.0))
    seed = [int(s) for s in rng.choice(2**31, size=5, replace=False)]  # the generators' seeds, drawn too
    return [
        Check(
            "eval mode is the identity",
            "Inverted dropout scales once, in training; at inference it returns x unchanged, with no (1 - p) factor "
            "(M16).",
            [Call((T(x),), {"p": 0.3, "training": False, "generator": TorchGen(seed[0])})],
            expect_close([x], atol=0, rtol=1e-15),
        ),
        Check(
            "survivors are scaled by 1/(1 - p) in training",
            "Each output element is either 0 or x / (1 - p), so E[y] = x and eval needs no rescaling (M16).",
            # p = 0.5, where 1 / (1 - p) = 1 / p: reading p as the keep probability (its own check) does not show
            [Call((T(x),), {"p": 0.5, "training": True, "generator": TorchGen(seed[1])})],
            zero_or_scaled(x, 0.5),
        ),
        Check(
            "p is the probability of dropping (chi-square, alpha = 1e-6)",
            "In PyTorch and Keras p is the drop probability: about 20% of the elements must be zero at p = 0.2. "
            "Treating p as the keep probability (the original paper's convention) drops 80% (M17). This check "
            "fails a correct solution once in a million runs.",
            [Call((T(ones),), {"p": 0.2, "training": True, "generator": TorchGen(seed[2])})],
            drop_rate(ones.size, 0.2),
        ),
        Check(
            "p = 1 drops everything without NaN",
            "1 / (1 - p) is inf at p = 1 and 0 * inf = NaN: return zeros.",
            [Call((T(x),), {"p": 1.0, "training": True, "generator": TorchGen(seed[3])})],
            expect_close([np.zeros_like(x)], atol=0, rtol=0),
        ),
        Check(
            "draws the mask from the generator it is given",
            "Every sampler takes a generator: the same seed must reproduce the same mask (and another seed another "
            "mask); the global RNG makes runs irreproducible.",
            [Call((T(x),), {"p": 0.5, "generator": TorchGen(s)}) for s in (seed[4], seed[4], seed[0])],
            same_seed_same_mask(),
        ),
    ]
