"""Hidden checks for the expected-calibration-error kata. Expected values: mldrill.ref.metrics.calibration.ece (tested
against a brute-force loop over the bins); edge cases use dyadic confidences (0.25, 0.5, 0.75, 1.0), exact in
binary, so every correct binning puts them in the same bin."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, expect_scalar

TOL = {"atol": 1e-12, "rtol": 1e-9}


def _floor_bins_ece(probs: np.ndarray, y: np.ndarray, n_bins: int) -> float:
    """ECE with [lo, hi) bins (the last one closed): only used to make sure an edge case tells the two apart."""
    conf, correct = probs.max(1), probs.argmax(1) == y
    b = np.minimum(np.floor(conf * n_bins).astype(int), n_bins - 1)
    return sum(abs(correct[b == m].mean() - conf[b == m].mean()) * (b == m).mean() for m in np.unique(b))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    K = 5

    def rows(conf: np.ndarray, n_correct: int, even: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """One row per confidence (above every other class): top class drawn, the rest share 1 - conf
        nearly evenly, so each row sums to 1 as the statement promises (a solution may renormalise); `even`
        splits it exactly evenly, so a dyadic row sums to 1 exactly and renormalising keeps it on its edge. The
        first n_correct rows are labelled with their top class, the others with another one."""
        n = len(conf)
        share = np.ones((n, K - 1)) if even else rng.uniform(0.8, 1.2, size=(n, K - 1))
        rest = (1 - conf)[:, None] * share / share.sum(1, keepdims=True)
        top = rng.integers(K, size=n)
        p = np.empty((n, K))
        for i in range(n):
            p[i] = np.insert(rest[i], top[i], conf[i])
        wrong = (top + rng.integers(1, K, size=n)) % K
        y = np.where(np.arange(n) < n_correct, top, wrong)
        return p, y

    def group(n: int, lo: float, hi: float, acc: float) -> tuple[np.ndarray, np.ndarray]:
        return rows(rng.uniform(lo, hi, size=n), round(acc * n))

    def join(*parts: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        p, y = np.concatenate([a for a, _ in parts]), np.concatenate([b for _, b in parts])
        order = rng.permutation(len(y))
        return p[order], y[order]

    def case(data: tuple[np.ndarray, np.ndarray], n_bins: int) -> tuple[Call, float]:
        return Call(data, {"n_bins": n_bins}), float(solution(*data, n_bins))

    def check(name: str, why: str, cases: list[tuple[Call, float]]) -> Check:
        return Check(name, why, [c for c, _ in cases], expect_scalar([e for _, e in cases], name="ECE", **TOL))

    # -- random softmax outputs, labels drawn from a flatter softmax (overconfident on average)
    def softmax_case(n: int, n_bins: int) -> tuple[Call, float]:
        logits = rng.normal(size=(n, K)) * rng.uniform(1.5, 3.0)
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        q = np.exp(0.5 * logits)
        q /= q.sum(1, keepdims=True)
        y = (rng.uniform(size=(n, 1)) > q.cumsum(1)).sum(1)
        return case((p, np.minimum(y, K - 1)), n_bins)

    random = [softmax_case(300, 15), softmax_case(120, 10)]

    # -- confidence exactly 1.0 (one-hot rows, half wrong) next to confident rows in the same last bin
    ones = rows(np.ones(16), 8, even=True)
    top_bin = group(20, 0.91, 0.99, 0.9)
    one = case(join(ones, top_bin, group(30, 0.3, 0.85, 0.5)), 10)

    # -- confidences exactly on the inner edges 0.5 and 0.75 (M = 4), with both neighbouring bins populated
    while True:
        edge_data = join(
            rows(np.full(10, 0.5), int(rng.integers(0, 4)), even=True),
            rows(np.full(10, 0.75), int(rng.integers(7, 11)), even=True),
            group(12, 0.3, 0.45, 0.8),
            group(12, 0.55, 0.7, 0.2),
            group(12, 0.8, 0.95, 0.3),
        )
        if abs(_floor_bins_ece(*edge_data, 4) - solution(*edge_data, 4)) > 1e-3:
            break
    edge = case(edge_data, 4)

    # -- one big, nearly calibrated bin and one small, badly calibrated one
    weighted = case(join(group(90, 0.92, 0.98, 0.95), group(10, 0.3, 0.38, 0.0)), 10)
    # -- calibrated bins at different levels: overall accuracy is far from every bin's confidence
    per_bin = case(join(group(40, 0.82, 0.88, 0.85), group(40, 0.62, 0.68, 0.65), group(20, 0.32, 0.38, 0.35)), 10)
    # -- an overconfident bin and an underconfident one of equal size: signed gaps cancel
    signed = case(join(group(40, 0.86, 0.94, 0.55), group(40, 0.36, 0.44, 0.75)), 10)
    # -- mostly wrong predictions: the true class's probability is not the confidence
    wrong = case(join(group(40, 0.6, 0.95, 0.2), group(20, 0.3, 0.55, 0.1)), 10)

    return [
        check(
            "matches the ECE of random softmax outputs",
            "Top-class confidence, (lo, hi] equal-width bins, per-bin |accuracy - mean confidence| weighted by the "
            "bin's share of the N examples.",
            random,
        ),
        check(
            "a confidence of exactly 1.0 falls in the last bin",
            "One-hot predictions have confidence 1.0. Bins of the form [lo, hi) (or floor(conf * M) as an index) "
            "put it in a bin M + 1 that does not exist: it must be counted in the last bin (0.9, 1.0].",
            [one],
        ),
        check(
            "a confidence on an inner edge belongs to the bin it closes",
            "Bins are (lo, hi]: a confidence of exactly 0.5 with M = 4 is in (0.25, 0.5], not [0.5, 0.75). "
            "floor(conf * M) puts every edge value one bin too high.",
            [edge],
        ),
        check(
            "each bin is weighted by its share of the examples",
            "ECE weights bin m by |B_m| / N: the plain mean of the gaps over non-empty bins lets a bin of 10 "
            "examples count as much as a bin of 90.",
            [weighted],
        ),
        check(
            "accuracy is measured inside each bin",
            "acc(B_m) is the accuracy of the examples in bin m; the overall accuracy compared with every bin's "
            "confidence makes a calibrated model look miscalibrated.",
            [per_bin],
        ),
        check(
            "the absolute gap is taken per bin",
            "Take |acc - conf| in each bin, then the weighted sum: the absolute value of the weighted sum lets an "
            "overconfident bin cancel an underconfident one (and equals |accuracy - mean confidence| overall).",
            [signed],
        ),
        check(
            "confidence is the top-class probability, also when wrong",
            "The confidence is max_k p_k, the probability of the predicted class, whether or not it is right; the "
            "probability given to the true class is a different quantity.",
            [wrong],
        ),
    ]
