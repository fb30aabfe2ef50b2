"""Hidden checks for the layer-norm kata. Expected values come from torch.nn.functional.layer_norm."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_close


def _case(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0) -> tuple[np.ndarray, ...]:
    c = shape[-1]
    return rng.normal(size=shape) * scale, rng.normal(size=c), rng.normal(size=c)


def _oracle(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    xt = torch.from_numpy(x)
    return F.layer_norm(xt, (x.shape[-1],), torch.from_numpy(w), torch.from_numpy(b), eps).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = [_case(rng, s) for s in ((3, 8), (2, 5, 16), (7,))]
    # variance ~1e-12, far below eps: eps alone sets the output, so its place and value matter (and the variance's
    # divisor does not, so an unbiased variance is not blamed here)
    tiny = _case(rng, (4, 6), scale=1e-6 * rng.uniform(0.5, 2.0))
    # C = 2: biased and unbiased variance differ by a factor 2. Each row's two values lie at least 0.5 from their
    # mean, so eps (1e-5) moves the output by < 1e-4 and the tolerance below sees only the divisor.
    centre, half = rng.normal(size=(5, 1)) * 3, rng.uniform(0.5, 2.0, size=(5, 1))
    few = (centre + half * rng.choice([-1.0, 1.0], size=(5, 1)) * np.array([-1.0, 1.0]), *_case(rng, (5, 2))[1:])
    # mean ~1e4, std 1, float32: E[x^2] - E[x]^2 cancels catastrophically (x^2 ~ 1e8, whose float32 spacing is 8)
    big = tuple(a.astype(np.float32) for a in _case(rng, (4, 512)))
    big = (
        big[0] + np.float32(1e4 * rng.uniform(0.8, 1.25)),
        rng.uniform(0.5, 1.5, size=512).astype(np.float32),
        big[2],
    )
    return [
        Check(
            "matches F.layer_norm on random inputs",
            "Normalize over the last dimension only (keepdim=True, so the (..., 1) statistics broadcast back over C), "
            "then scale by weight and add bias.",
            [Call(tuple(T(a) for a in case)) for case in random],
            expect_close([_oracle(*case) for case in random], atol=1e-10, rtol=1e-7),
        ),
        Check(
            "uses the biased variance",
            "LayerNorm divides by C, not C - 1: torch.var(x) is unbiased by default; pass unbiased=False.",
            [Call(tuple(T(a) for a in few))],
            expect_close([_oracle(*few)], atol=1e-3, rtol=1e-3),
        ),
        Check(
            "eps inside the sqrt, default 1e-5",
            "With a tiny variance, eps decides the output: use sqrt(var + eps) and PyTorch's default eps = 1e-5 (M10).",
            [Call(tuple(T(a) for a in tiny))],
            expect_close([_oracle(*tiny)], atol=1e-9, rtol=1e-6),
        ),
        Check(
            "agrees with the reference implementation in float32",
            "Keep the input's dtype: float32 in, float32 out, within float32 tolerance.",
            [Call(tuple(T(a.astype(np.float32)) for a in random[1]))],
            expect_close(
                [solution(*(torch.from_numpy(a.astype(np.float32)) for a in random[1])).numpy()], atol=1e-5, rtol=1e-4
            ),
        ),
        Check(
            "variance stays accurate for inputs with a large mean (float32)",
            "Compute the variance as the mean of (x - mean)^2 (two passes, or Welford), never as E[x^2] - E[x]^2: "
            "with a mean of 1e4 and std 1 in float32, x^2 ~ 1e8 is stored to the nearest 8, the difference cancels "
            "catastrophically and the variance comes out 0, negative or off by several units. Float32 stores the input "
            "itself only to ~1e-3 here, hence the tolerance.",
            [Call(tuple(T(a) for a in big))],
            expect_close([_oracle(*(a.astype(np.float64) for a in big))], atol=1e-2, rtol=0.0),
        ),
    ]
