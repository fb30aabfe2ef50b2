"""Hidden checks for the ring-allreduce kata. Expected results: np.sum over the ranks. Expected traffic: from the
schedule in closed form, sent[r] = 2 * size - |chunk (r + 1) mod N| - |chunk (r + 2) mod N| (each phase sends every
chunk but one), which is 2 (N - 1) / N * size when N divides the length."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, expect_parts


def _expected(xs):
    n = len(xs)
    total = np.sum(xs, axis=0)
    sizes = [c.size for c in np.array_split(xs[0], n)]
    size = xs[0].size
    if n == 1:
        return [total], [0]
    return [total] * n, [2 * size - sizes[(r + 1) % n] - sizes[(r + 2) % n] for r in range(n)]


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def ranks(n: int, shape):
        return [rng.normal(size=shape) for _ in range(n)]

    def expect(cases, only: str | None = None):
        parts = [_expected(c) for c in cases]
        if only == "results":
            parts = [(res, None) for res, _ in parts]
        elif only == "sent":
            parts = [(None, sent) for _, sent in parts]
        return expect_parts(parts, ("results", "sent"), atol=1e-9, rtol=1e-9)

    n = int(rng.integers(3, 7))
    random = [ranks(n, (n * int(rng.integers(2, 6)),)), ranks(4, (8, 3))]
    full_sum = [ranks(int(rng.integers(3, 7)), (12 * 5,))]
    traffic = [ranks(m, (m * int(rng.integers(3, 9)),)) for m in (2, int(rng.integers(4, 9)))]
    uneven = [ranks(4, (int(rng.choice([9, 10, 11])),)), ranks(3, (7, 2)), ranks(5, (3,))]  # 3 rows, 5 ranks
    single = [ranks(1, (6,))]
    inputs = ranks(int(rng.integers(3, 6)), (10,))
    originals = [x.copy() for x in inputs]

    def unchanged(outcomes: list[Outcome]) -> str | Failure | None:
        (o,) = outcomes
        if o.error is not None:
            return Failure(f"raised {o.error}", 0)
        try:
            after = [np.asarray(x, dtype=np.float64) for x in o.value[1]]
        except (TypeError, ValueError, IndexError):
            return "could not read the inputs back"
        for r, (a, b) in enumerate(zip(after, originals, strict=True)):
            if not np.array_equal(a, b):
                return Failure(f"xs[{r}] was modified by the call", 0, b, a)
        return None

    return [
        Check(
            "matches the all-reduce and its traffic",
            "Every rank ends with the elementwise sum; each rank sends every chunk but one in each phase.",
            [Call((c,)) for c in random],
            expect(random),
        ),
        Check(
            "every rank ends with the full sum",
            "After reduce-scatter each rank holds only ONE complete chunk of the sum; the all-gather phase must "
            "pass the finished chunks around before every rank has the whole result.",
            [Call((c,)) for c in full_sum],
            expect(full_sum, only="results"),
        ),
        Check(
            "each rank sends 2 (N - 1) / N of the array",
            "Traffic per rank: N - 1 chunks in the reduce-scatter plus N - 1 in the all-gather, each 1/N of the "
            "array, counted in elements. Counting one phase, or bytes, misses the ring's defining number.",
            [Call((c,)) for c in traffic],
            expect(traffic, only="sent"),
        ),
        Check(
            "lengths that N does not divide",
            "np.array_split makes chunks whose sizes differ by one row: equal slices of length // N drop the "
            "remainder (and with fewer rows than ranks, some chunks are empty).",
            [Call((c,)) for c in uneven],
            expect(uneven),
        ),
        Check(
            "a single rank sends nothing",
            "With N = 1 there are no steps: the result is the input itself and the traffic 0.",
            [Call((c,)) for c in single],
            expect(single),
        ),
        Check(
            "leaves the inputs unchanged",
            "np.array_split returns VIEWS: adding into them in place overwrites the caller's arrays (a real "
            "gradient buffer would be corrupted). Copy the chunks first.",
            [Call((inputs,), returns_args=(0,))],
            unchanged,
        ),
    ]
