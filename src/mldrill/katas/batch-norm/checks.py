"""Hidden checks for the batch-norm kata. Expected values come from F.batch_norm(training=True) and its statistics."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, compare_arrays, showing


def _oracle(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-5) -> list[np.ndarray]:
    y = F.batch_norm(torch.from_numpy(x), None, None, torch.from_numpy(g), torch.from_numpy(b), True, 0.1, eps)
    var = x.var(axis=0, keepdims=True)  # biased, as in training
    rstd = 1.0 / np.sqrt(var + eps)
    return [y.numpy(), (x - x.mean(0, keepdims=True)) * rstd, g, rstd]


def expect_forward(expected: list[list[np.ndarray]], *, atol: float, rtol: float, strict_shapes: bool = True) -> Judge:
    """strict_shapes=False lets rstd come back as (C,) instead of (1, C): a check about the values then does not
    blame a squeezed cache, which the shape check names."""
    names = ["y", "x_hat", "gamma", "rstd"]

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            v = o.value
            if not (isinstance(v, list) and len(v) == 2 and isinstance(v[1], list) and len(v[1]) == 3):
                return f"call {i + 1}: expected (y, (x_hat, gamma, rstd))"
            for name, got, want in zip(names, [v[0], *v[1]], e, strict=True):
                if not strict_shapes and name == "rstd" and np.size(got) == np.size(want):
                    got = np.reshape(np.asarray(got, dtype=np.float64), np.shape(want))
                msg = compare_arrays(got, want, atol=atol, rtol=rtol, name=name)
                if msg:
                    return f"call {i + 1}: {msg}"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(n: int, c: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return rng.normal(size=(n, c)) * scale + rng.normal(size=c) * 3, rng.normal(size=c), rng.normal(size=c)

    random = [case(8, 3), case(5, 6)]
    # N = 3: biased and unbiased variance differ by 3/2. Each column is rescaled to a std in [0.5, 2], so eps moves
    # the output by < 1e-4 and the tolerance below sees only the divisor.
    small = case(3, 4)
    z = small[0] - small[0].mean(0)
    small = (z / z.std(0) * rng.uniform(0.5, 2.0, size=4) + small[0].mean(0), *small[1:])
    # N != C: statistics over the wrong axis break the shapes or the values. N is large, so the divisor (N or N - 1)
    # changes the output by < 0.3%, below this check's tolerance: it judges the axis only.
    wide = case(int(rng.integers(200, 400)), int(rng.integers(3, 8)))
    # batch variance ~1e-12, far below eps: eps alone sets the output (and the variance's divisor does not)
    tiny = case(6, 3, scale=1e-6 * rng.uniform(0.5, 2.0))
    # features with mean ~1e4 and std 1, in float32: E[x^2] - E[x]^2 cancels catastrophically (x^2 ~ 1e8 is stored to
    # the nearest 8). N is large so the divisor does not matter at the float32 tolerance below.
    big = case(512, 4)
    big = (
        (big[0] - big[0].mean(0) + 1e4 * rng.uniform(0.8, 1.25, size=4)).astype(np.float32),
        rng.uniform(0.5, 1.5, size=4).astype(np.float32),
        big[2].astype(np.float32),
    )

    def call(c, eps: float | None = None) -> Call:
        return Call(tuple(T(a) for a in c), {} if eps is None else {"eps": eps})

    return [
        Check(
            "matches F.batch_norm(training=True)",
            "Normalize each feature with its batch mean and biased batch variance, then scale and shift; the cache "
            "holds x_hat (N, C), gamma and rstd = 1 / sqrt(var + eps) of shape (1, C) (keepdim=True: a backward pass "
            "broadcasts it against (N, C)).",
            [call(c) for c in random],
            expect_forward([_oracle(*c) for c in random], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "statistics over the batch dimension, per feature",
            "BatchNorm reduces over dim 0 (examples) for each feature; reducing over dim 1 is LayerNorm.",
            [call(wide)],
            expect_forward([_oracle(*wide)], atol=1e-2, rtol=1e-2, strict_shapes=False),
        ),
        Check(
            "normalizes with the biased batch variance",
            "In training BN divides by N (biased); the unbiased N - 1 version belongs only to running_var (M9). "
            "With N = 3 they differ by a factor 3/2.",
            [call(small)],
            expect_forward([_oracle(*small)], atol=1e-3, rtol=1e-3, strict_shapes=False),
        ),
        Check(
            "eps inside the sqrt, with the value given",
            "With a tiny batch variance eps decides the output: 1 / sqrt(var + eps), not 1 / (std + eps).",
            [call(tiny), call(tiny, 1e-3)],
            expect_forward([_oracle(*tiny), _oracle(*tiny, 1e-3)], atol=1e-9, rtol=1e-6, strict_shapes=False),
        ),
        Check(
            "variance stays accurate for features with a large mean (float32)",
            "Compute the batch variance as the mean of (x - mean)^2, never as E[x^2] - E[x]^2: with a mean of 1e4 "
            "and std 1 in float32, x^2 ~ 1e8 is stored to the nearest 8, the difference cancels catastrophically and "
            "the variance comes out 0, negative or off by several units. Float32 stores the input itself only to "
            "~1e-3 here, hence the tolerance.",
            [call(big)],
            expect_forward([_oracle(*(a.astype(np.float64) for a in big))], atol=1e-2, rtol=0.0, strict_shapes=False),
        ),
    ]
