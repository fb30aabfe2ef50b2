"""Hidden checks for the mutual-information kata. Expected values: sklearn.metrics.mutual_info_score on the count
table (nats) and scipy.stats.entropy of the marginals and of the flattened table."""

from __future__ import annotations

import numpy as np
from scipy.stats import entropy
from sklearn.metrics import mutual_info_score

from mldrill.grader.checks import Call, Check, expect_parts

NAMES = ("I", "H_X", "H_Y", "H_XY")
TOL = {"atol": 1e-10, "rtol": 1e-9}


def _expected(counts: np.ndarray, base: float | None) -> tuple[float, float, float, float]:
    P = counts / counts.sum()
    unit = 1.0 if base is None else float(np.log(base))
    mi = float(mutual_info_score(None, None, contingency=counts)) / unit
    return (
        mi,
        float(entropy(P.sum(1), base=base)),
        float(entropy(P.sum(0), base=base)),
        float(entropy(P.ravel(), base=base)),
    )


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def counts(nx: int, ny: int, zeros: float = 0.0) -> np.ndarray:
        """A dependent count table: a random table plus a boost along a random matching of rows to columns."""
        c = rng.integers(1, 20, size=(nx, ny)).astype(np.float64)
        c[np.arange(nx), rng.integers(0, ny, size=nx)] += rng.integers(20, 80, size=nx)
        if zeros:
            c[rng.random((nx, ny)) < zeros] = 0.0
            c[0, 0] = 0.0
            if c.sum() == 0:
                c[-1, -1] = 1.0
        return c

    def case(c: np.ndarray, base: float | None = None) -> tuple[Call, tuple]:
        return Call((c / c.sum(),), {} if base is None else {"base": base}), _expected(c, base)

    def check(name: str, why: str, cases: list[tuple[Call, tuple]], only: tuple[str, ...] = NAMES) -> Check:
        want = [tuple(v if n in only else None for n, v in zip(NAMES, e, strict=True)) for _, e in cases]
        return Check(name, why, [c for c, _ in cases], expect_parts(want, NAMES, **TOL))

    nx = int(rng.integers(3, 6))
    determined = np.zeros((nx + 2, nx))  # X determines Y: one non-zero cell per row; every column used
    cols = np.concatenate([rng.permutation(nx), rng.integers(0, nx, size=2)])
    determined[np.arange(nx + 2), cols] = rng.integers(1, 30, size=nx + 2)
    indep = np.outer(rng.integers(1, 10, size=4), rng.integers(1, 10, size=3)).astype(np.float64)

    return [
        check(
            "matches sklearn and scipy on random tables",
            "I = sum p(x,y) log(p(x,y) / (p(x) p(y))); H(X), H(Y) from the marginals, H(X,Y) from every cell.",
            [case(counts(int(rng.integers(2, 6)), int(rng.integers(2, 6)))) for _ in range(3)],
        ),
        check(
            "empty cells count as 0 (0 log 0 = 0)",
            "p log p at p = 0 is 0 by continuity; in floating point 0 * log(0) = 0 * -inf = NaN. Sum over the "
            "non-zero cells only (or use np.where / scipy.special.xlogy).",
            [case(counts(5, 4, zeros=0.4)), case(counts(3, 6, zeros=0.3))],
        ),
        check(
            "rows index X, columns index Y",
            "p(x) sums each row (axis=1) and p(y) each column (axis=0): swapping the axes swaps H(X) and H(Y), "
            "which only agree for symmetric tables.",
            [case(counts(2, 6)), case(counts(6, 3))],
            only=("H_X", "H_Y"),
        ),
        check(
            "X determines Y: I = H(Y)",
            "With one non-zero cell per row, knowing X leaves no doubt about Y: H(Y | X) = 0, so I = H(Y) and "
            "H(X, Y) = H(X). Weighting the log-ratio by p(x) p(y) instead of p(x, y), or taking H(X, Y) = "
            "H(X) + H(Y) (independence), gets this wrong.",
            [case(determined)],
        ),
        check(
            "I is never negative: H(X) + H(Y) - H(X, Y)",
            "I(X; Y) = H(X) + H(Y) - H(X, Y) >= 0 (a KL divergence): the joint entropy is subtracted, not the "
            "marginals.",
            [case(counts(4, 4)), case(indep)],
            only=("I",),
        ),
        check(
            "base 2 gives bits, for every quantity",
            "log_b(z) = ln(z) / ln(b): with base=2 the entropies and I are all in bits (1 nat = 1.4427 bits).",
            [case(counts(3, 4), 2.0), case(counts(4, 2), 10.0)],
        ),
    ]
