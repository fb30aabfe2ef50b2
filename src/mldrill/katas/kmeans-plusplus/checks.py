"""Hidden checks for the kmeans-plusplus kata.

Distributions are judged with chi-square goodness-of-fit tests (scipy.stats.chisquare) at alpha = 0.001: a correct
solution fails a given check with probability 0.1% per seed set (the seeds are fixed, so verdicts are reproducible).
The expected probabilities are the closed form of D^2 sampling on a four-point data set.
"""

from __future__ import annotations

import numpy as np
import scipy.stats

from mldrill.grader.checks import Call, Check, Judge, Outcome, Rng

ALPHA = 0.001
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


def d2_pairs() -> Judge:
    d2 = (LINE - LINE.T) ** 2  # (4, 4)
    probs = 0.25 * d2 / d2.sum(1, keepdims=True)  # P(first = i, second = j)
    cells = [(i, j) for i in range(4) for j in range(4) if i != j]

    def judge(outcomes: list[Outcome]) -> str | None:
        pairs, err = _pairs(outcomes)
        if err:
            return err
        if any(a == b for a, b in pairs):
            return "the same point was chosen twice (its D is 0, so its probability is 0)"
        counts = np.array([sum(1 for p in pairs if p == c) for c in cells])
        return _chi2(counts, np.array([probs[c] for c in cells]), "(first, second) pairs")

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
    dup = np.array([[0.0], [0.0], [0.0], [0.0], [1.0], [1.0], [5.0]])  # 3 distinct points, k = 3
    runs = [Call((LINE, 2), {"random_state": Rng(1000 + s)}) for s in range(RUNS)]
    return [
        Check(
            "returns k distinct rows of X and their indices",
            "centers must equal X[indices], shape (k, d); a chosen point has D = 0 and cannot be chosen again.",
            [Call((blobs, 4), {"random_state": Rng(s)}) for s in range(5)],
            centers_are_rows(blobs, 4),
        ),
        Check(
            "the first centre is uniform (chi-square, alpha = 0.001)",
            "The first centre is a uniformly random row, not the first row nor a D^2 draw from the data mean. This "
            "check fails a correct solution 0.1% of the time for a given seed set.",
            runs,
            first_uniform(),
        ),
        Check(
            "the next centre is drawn with probability D(x)^2 / sum D^2 (chi-square, alpha = 0.001)",
            "k-means++ samples proportionally to the squared distance: D instead of D^2, or taking the farthest "
            "point (argmax), gives a different distribution. This check fails a correct solution 0.1% of the time.",
            runs,
            d2_pairs(),
        ),
        Check(
            "duplicated points are never picked twice",
            "With duplicates, a copy of a chosen point has D = 0: sampling by D^2 (not uniformly among unchosen "
            "indices) finds the 3 distinct points.",
            [Call((dup, 3), {"random_state": Rng(s)}) for s in range(50)],
            centers_are_rows(dup, 3),
        ),
    ]
