"""Hidden checks for the kmeans-plusplus kata.

Distributions are judged with chi-square goodness-of-fit tests (scipy.stats.chisquare) at alpha = 1e-6: a correct
solution fails a given check once in a million runs (the generator seeds come from the run's seed, so a verdict
replays with it); D instead of D^2, or the argmax, is off by far more. The expected probabilities are the closed form
of D^2 sampling on a four-point data set (moved, scaled and reordered on each run).
"""

from __future__ import annotations

import numpy as np
import scipy.stats

from mldrill.grader.checks import Call, Check, Judge, Outcome, Rng

ALPHA = 1e-6
RUNS = 2000
LINE = np.array([[0.0], [2.0], [3.0], [5.0]])  # four points on a line: every D^2 probability is >= 1/14


def _pairs(outcomes: list[Outcome]) -> tuple[list[tuple[int, int]], str | None]:
    out = []
    for i, o in enumerate(outcomes):
        if o.error is not None:
            return [], f"call {i + 1}: raised {o.error}"
        v = o.value
        if not isinstance(v, list) or len(v) != 2:
            return [], f"call {i + 1}: expected a tuple (centers, indices)"
        idx = np.asarray(v[1])
        if idx.shape != (2,) or idx.dtype.kind not in "iu":
            return [], f"call {i + 1}: indices should be 2 integers, got {idx.dtype} {idx.shape}"
        out.append((int(idx[0]), int(idx[1])))
    return out, None


def _chi2(counts: np.ndarray, probs: np.ndarray, what: str) -> str | None:
    stat = scipy.stats.chisquare(counts, probs * counts.sum())
    if stat.pvalue < ALPHA:
        return (f"{what}: frequencies {np.round(counts / counts.sum(), 3).tolist()}, expected "
                f"{np.round(probs, 3).tolist()} (chi-square p-value {stat.pvalue:.2g} < {ALPHA})")  # fmt: skip
    return None


def first_uniform() -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        pairs, err = _pairs(outcomes)
        if err:
            return err
        counts = np.bincount([a for a, _ in pairs], minlength=4)
        return _chi2(counts, np.full(4, 0.25), "first centre")

    return judge


def d2_pairs(line: np.ndarray) -> Judge:
    """The second centre given the first: judged on its own, whatever the distribution of the first (which
    first_uniform judges), so a wrong first centre is not blamed on the D^2 rule."""
    d2 = (line - line.T) ** 2  # (4, 4)
    cond = d2 / d2.sum(1, keepdims=True)  # P(second = j | first = i)

    def judge(outcomes: list[Outcome]) -> str | None:
        pairs, err = _pairs(outcomes)
        if err:
            return err
        if any(a == b for a, b in pairs):
            return "the same point was chosen twice (its D is 0, so its probability is 0)"
        counts = np.zeros((4, 4))
        for a, b in pairs:
            counts[a, b] += 1
        firsts = counts.sum(1)
        cells = [(i, j) for i in range(4) for j in range(4) if i != j and firsts[i] > 0]
        # per first centre present, 3 cells whose total is fixed by the conditioning: 2 degrees of freedom each
        stat = scipy.stats.chisquare([counts[c] for c in cells], [firsts[c[0]] * cond[c] for c in cells],
                                     ddof=int((firsts > 0).sum()) - 1)  # fmt: skip
        if stat.pvalue < ALPHA:
            got = np.round(counts / np.maximum(firsts, 1)[:, None], 3).tolist()
            return (f"second centre given the first (rows): frequencies {got}, expected "
                    f"{np.round(cond, 3).tolist()} (chi-square p-value {stat.pvalue:.2g} < {ALPHA})")  # fmt: skip
        return None

    return judge


def centers_are_rows(X: np.ndarray, k: int) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, o in enumerate(outcomes):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            if not isinstance(o.value, list) or len(o.value) != 2:
                return f"call {i + 1}: expected a tuple (centers, indices)"
            c, idx = np.asarray(o.value[0], dtype=float), np.asarray(o.value[1])
            if c.shape != (k, X.shape[1]) or idx.shape != (k,):
                return f"call {i + 1}: shapes {c.shape} and {idx.shape}, expected {(k, X.shape[1])} and {(k,)}"
            if not np.array_equal(c, X[idx]):
                return f"call {i + 1}: centers differ from X[indices]"
            if len({tuple(r) for r in c}) != k:
                return f"call {i + 1}: chose the same point twice: {c.tolist()}"
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    blobs = np.concatenate([rng.normal(loc=m, size=(10, 2)) for m in (-5, 0, 5)])
    s, o = rng.uniform(0.5, 4), rng.uniform(-10, 10)  # D^2 ratios do not change under x -> s x + o
    line = (LINE * s + o)[rng.permutation(4)]
    dup = (np.array([[0.0], [0.0], [0.0], [0.0], [1.0], [1.0], [5.0]]) * s + o)[rng.permutation(7)]  # 3 distinct, k = 3
    seeds = iter(int(v) for v in rng.choice(2**62, size=RUNS + 55, replace=False))
    runs = [Call((line, 2), {"random_state": Rng(next(seeds))}) for _ in range(RUNS)]
    return [
        Check(
            "returns k distinct rows of X and their indices",
            "centers must equal X[indices], shape (k, d); a chosen point has D = 0 and cannot be chosen again.",
            [Call((blobs, 4), {"random_state": Rng(next(seeds))}) for _ in range(5)],
            centers_are_rows(blobs, 4),
        ),
        Check(
            "the first centre is uniform (chi-square, alpha = 1e-6)",
            "The first centre is a uniformly random row, not the first row nor a D^2 draw from the data mean. This "
            "check fails a correct solution once in a million runs.",
            runs,
            first_uniform(),
        ),
        Check(
            "the next centre is drawn with probability D(x)^2 / sum D^2 (chi-square, alpha = 1e-6)",
            "k-means++ samples proportionally to the squared distance: D instead of D^2, or taking the farthest "
            "point (argmax), gives a different distribution. This check fails a correct solution once in a million "
            "runs.",
            runs,
            d2_pairs(line),
        ),
        Check(
            "duplicated points are never picked twice",
            "With duplicates, a copy of a chosen point has D = 0: sampling by D^2 (not uniformly among unchosen "
            "indices) finds the 3 distinct points, provided D is the distance to the nearest of ALL the centres "
            "chosen so far (a running minimum), not to the last one.",
            [Call((dup, 3), {"random_state": Rng(next(seeds))}) for _ in range(50)],
            centers_are_rows(dup, 3),
        ),
    ]
