"""Hidden checks for the tensor-parallel-mlp kata. Expected values: the unsharded MLP and per-shard products in
float64 NumPy, with the exact GELU 0.5 x (1 + erf(x / sqrt 2))."""

from __future__ import annotations

import numpy as np
from scipy.special import erf

from mldrill.grader.checks import Call, Check, T, expect_parts


def _gelu(z):
    return 0.5 * z * (1 + erf(z / np.sqrt(2)))


def _tp(x, w1, b1, w2, b2, n):
    cols = np.array_split(np.arange(w1.shape[1]), n)
    partials = np.stack([_gelu(x @ w1[:, c] + b1[c]) @ w2[c] for c in cols])
    return _gelu(x @ w1 + b1) @ w2 + b2, partials


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def case(n: int, h: int, *, biases: bool = True, bias2: bool = True):
        bsz, d = int(rng.integers(2, 5)), int(rng.integers(3, 7))
        x, w1, w2 = rng.normal(size=(bsz, d)), rng.normal(size=(d, h)) / np.sqrt(d), rng.normal(size=(h, d))
        b1 = rng.normal(size=h) if biases else np.zeros(h)
        b2 = rng.normal(size=d) if bias2 else np.zeros(d)
        return x, w1, b1, w2, b2, n

    def call(c) -> Call:
        *arrays, n = c
        return Call((*(T(a) for a in arrays), n))

    def expect(cases, only: str | None = None):
        parts = [_tp(*c) for c in cases]
        if only == "y":
            parts = [(y, None) for y, _ in parts]
        elif only == "partials":
            parts = [(None, p) for _, p in parts]
        return expect_parts(parts, ("y", "partials"), atol=1e-10, rtol=1e-9)

    n = int(rng.integers(2, 5))
    random = [case(n, 4 * n), case(int(rng.integers(2, 5)), 12)]
    gelu_first = [case(1, int(rng.integers(4, 10)), biases=False, bias2=False)]  # one rank: only GELU's place matters
    summed = [case(n, 4 * n, biases=False, bias2=False), case(4, 8, biases=False, bias2=False)]
    bias2 = [case(n, 4 * n, biases=False)]
    shards = [case(3, 9), case(int(rng.choice([2, 4])), 8)]  # n divides h: only the bias slices matter
    uneven = [case(3, 10), case(4, int(rng.choice([9, 13, 14])))]

    return [
        Check(
            "matches the full MLP and the per-rank partials",
            "y = gelu(x W1 + b1) W2 + b2; partial i = gelu(x W1[:, cols_i] + b1[cols_i]) W2[cols_i].",
            [call(c) for c in random],
            expect(random),
        ),
        Check(
            "GELU is applied on each rank, before W2",
            "GELU is elementwise, so each rank applies it to its own hidden slice and then multiplies by its rows "
            "of W2. Applying it after the all-reduce (to the summed output) computes a different function, even on "
            "one rank.",
            [call(c) for c in gelu_first],
            expect(gelu_first, only="y"),
        ),
        Check(
            "the all-reduce sums the partials",
            "Each rank holds a partial SUM over its hidden units: the all-reduce adds them. Averaging (as for "
            "data-parallel gradients) divides the output by n.",
            [call(c) for c in summed],
            expect(summed, only="y"),
        ),
        Check(
            "b2 is added once, after the all-reduce",
            "b2 belongs to the full output: added by every rank before the sum, it is counted n times. Megatron's "
            "RowParallelLinear adds its bias after the all-reduce.",
            [call(c) for c in bias2],
            expect(bias2, only="y"),
        ),
        Check(
            "each rank gets its own slice of b1",
            "b1 is split with W1's columns: rank i adds b1[cols_i] to ITS hidden slice. The first slice on every "
            "rank (or the full b1) shifts the wrong hidden units. Judged on the partials.",
            [call(c) for c in shards],
            expect(shards, only="partials"),
        ),
        Check(
            "hidden sizes that n does not divide",
            "With h = 10 and n = 3 the shards have 4, 3 and 3 hidden units (torch.tensor_split): slices of "
            "h // n units drop the last ones.",
            [call(c) for c in uneven],
            expect(uneven),
        ),
    ]
