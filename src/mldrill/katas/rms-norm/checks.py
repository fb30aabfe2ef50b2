"""Hidden checks for the rms-norm kata. Expected values come from torch.nn.functional.rms_norm."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, expect_close


def expect_close_as(expected: list[np.ndarray], dtype: type, *, atol: float, rtol: float) -> Judge:
    """expect_close, and every output must have the given dtype."""
    inner = expect_close(expected, atol=atol, rtol=rtol)

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, o in enumerate(outcomes):
            if o.error is None and isinstance(o.value, np.ndarray) and o.value.dtype != dtype:
                return f"call {i + 1}: dtype {o.value.dtype}, expected {np.dtype(dtype)}"
        return inner(outcomes)

    return judge


def _oracle(x: np.ndarray, w: np.ndarray, eps: float) -> np.ndarray:
    return F.rms_norm(torch.from_numpy(x), (x.shape[-1],), torch.from_numpy(w), eps).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = [(rng.normal(size=s), rng.normal(size=s[-1])) for s in ((3, 8), (2, 4, 16))]
    shifted = (rng.normal(size=(4, 6)) + 5.0, rng.normal(size=6))  # mean 5: subtracting it changes everything
    # mean square ~1e-8: eps dominates. Each row has mean exactly 0, so centering x (a LayerNorm habit, with its own
    # check) changes nothing here and only eps shows.
    tiny = rng.normal(size=(3, 5)) * 1e-4
    tiny = (tiny - tiny.mean(axis=-1, keepdims=True), rng.normal(size=5))
    f32 = (rng.normal(size=(4, 8)).astype(np.float32), rng.normal(size=8).astype(np.float32))

    def call(case: tuple[np.ndarray, np.ndarray], eps: float = 1e-6) -> Call:
        return Call((T(case[0]), T(case[1])), {"eps": eps})

    return [
        Check(
            "matches F.rms_norm on random inputs",
            "Divide by the root mean square over the last dimension (keepdim=True, so it broadcasts back over C), "
            "then scale by weight.",
            [call(c) for c in random],
            expect_close([_oracle(*c, 1e-6) for c in random], atol=1e-10, rtol=1e-7),
        ),
        Check(
            "no mean subtraction: divides by the RMS, not the standard deviation",
            "RMSNorm keeps the mean: x / sqrt(mean(x^2) + eps). Centering x (or using the variance) is LayerNorm.",
            [call(shifted)],
            expect_close([_oracle(*shifted, 1e-6)], atol=1e-4, rtol=1e-4),  # centering moves it by O(1), eps by 1e-7
        ),
        Check(
            "eps inside the sqrt, and the given value",
            "With a tiny mean square, eps decides the output: sqrt(mean(x^2) + eps), with the eps passed in.",
            [call(tiny, 1e-6), call(tiny, 1e-5)],
            expect_close([_oracle(*tiny, 1e-6), _oracle(*tiny, 1e-5)], atol=1e-8, rtol=1e-6),
        ),
        Check(
            "float32 in, float32 out",
            "Keep the input's dtype (compute in float32 or higher, then cast back).",
            [call(f32)],
            expect_close_as(
                [_oracle(f32[0].astype(np.float64), f32[1].astype(np.float64), 1e-6)], np.float32, atol=1e-5, rtol=1e-4
            ),
        ),
    ]
