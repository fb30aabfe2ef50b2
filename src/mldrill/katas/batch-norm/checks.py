"""Hidden checks for the batch-norm kata. Expected values come from F.batch_norm(training=True) and its statistics."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, compare_arrays


def _oracle(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-5) -> list[np.ndarray]:
    y = F.batch_norm(torch.from_numpy(x), None, None, torch.from_numpy(g), torch.from_numpy(b), True, 0.1, eps)
    var = x.var(axis=0, keepdims=True)  # biased, as in training
    rstd = 1.0 / np.sqrt(var + eps)
    return [y.numpy(), (x - x.mean(0, keepdims=True)) * rstd, g, rstd]


def expect_forward(expected: list[list[np.ndarray]], *, atol: float, rtol: float) -> Judge:
    names = ["y", "x_hat", "gamma", "rstd"]

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            v = o.value
            if not (isinstance(v, list) and len(v) == 2 and isinstance(v[1], list) and len(v[1]) == 3):
                return f"call {i + 1}: expected (y, (x_hat, gamma, rstd))"
            for name, got, want in zip(names, [v[0], *v[1]], e, strict=True):
                msg = compare_arrays(got, want, atol=atol, rtol=rtol, name=name)
                if msg:
                    return f"call {i + 1}: {msg}"
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(n: int, c: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return rng.normal(size=(n, c)) * scale + rng.normal(size=c) * 3, rng.normal(size=c), rng.normal(size=c)

    random = [case(8, 3), case(5, 6)]
    small = case(3, 4)  # N = 3: biased and unbiased variance differ by 3/2
    wide = case(4, 10)  # N != C: statistics over the wrong axis break the shapes or the values
    tiny = case(6, 3, scale=1e-4)  # batch variance ~1e-8: eps dominates

    def call(c, eps: float | None = None) -> Call:
        return Call(tuple(T(a) for a in c), {} if eps is None else {"eps": eps})

    return [
        Check(
            "matches F.batch_norm(training=True)",
            "Normalize each feature with its batch mean and biased batch variance, then scale and shift.",
            [call(c) for c in random],
            expect_forward([_oracle(*c) for c in random], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "statistics over the batch dimension, per feature",
            "BatchNorm reduces over dim 0 (examples) for each feature; reducing over dim 1 is LayerNorm.",
            [call(wide)],
            expect_forward([_oracle(*wide)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "normalizes with the biased batch variance",
            "In training BN divides by N (biased); the unbiased N - 1 version belongs only to running_var (M9). "
            "With N = 3 they differ by a factor 3/2.",
            [call(small)],
            expect_forward([_oracle(*small)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "eps inside the sqrt, with the value given",
            "With a tiny batch variance eps decides the output: 1 / sqrt(var + eps), not 1 / (std + eps).",
            [call(tiny), call(tiny, 1e-3)],
            expect_forward([_oracle(*tiny), _oracle(*tiny, 1e-3)], atol=1e-8, rtol=1e-6),
        ),
    ]
