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
    tiny = _case(rng, (4, 6), scale=1e-4)  # variance ~1e-8: eps dominates, so its place and value matter
    few = _case(rng, (5, 2))  # C = 2: biased and unbiased variance differ by a factor 2
    return [
        Check(
            "matches F.layer_norm on random inputs",
            "Normalize over the last dimension only, then scale by weight and add bias.",
            [Call(tuple(T(a) for a in case)) for case in random],
            expect_close([_oracle(*case) for case in random], atol=1e-10, rtol=1e-7),
        ),
        Check(
            "uses the biased variance",
            "LayerNorm divides by C, not C - 1: torch.var(x) is unbiased by default; pass unbiased=False.",
            [Call(tuple(T(a) for a in few))],
            expect_close([_oracle(*few)], atol=1e-10, rtol=1e-7),
        ),
        Check(
            "eps inside the sqrt, default 1e-5",
            "With a tiny variance, eps decides the output: use sqrt(var + eps) and PyTorch's default eps = 1e-5 (M10).",
            [Call(tuple(T(a) for a in tiny))],
            expect_close([_oracle(*tiny)], atol=1e-8, rtol=1e-6),
        ),
        Check(
            "agrees with the reference implementation in float32",
            "Keep the input's dtype: float32 in, float32 out, within float32 tolerance.",
            [Call(tuple(T(a.astype(np.float32)) for a in random[1]))],
            expect_close(
                [solution(*(torch.from_numpy(a.astype(np.float32)) for a in random[1])).numpy()], atol=1e-5, rtol=1e-4
            ),
        ),
    ]
