"""Hidden checks for the causal-mask kata. Expected masks come from torch.triu (and the reference)."""

from __future__ import annotations

import numpy as np
import torch

from mldrill.grader.checks import Call, Check, Judge, Outcome


def _triu(t: int, s: int) -> np.ndarray:
    return torch.triu(torch.ones(t, s, dtype=torch.bool), diagonal=s - t + 1).numpy()


def expect_bool_mask(expected: list[np.ndarray]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            got = o.value
            if not isinstance(got, np.ndarray):
                return f"call {i + 1}: expected a bool tensor, got {type(got).__name__}"
            if got.dtype != np.bool_:
                return f"call {i + 1}: dtype {got.dtype}, expected torch.bool"
            if got.shape != e.shape:
                return f"call {i + 1}: shape {got.shape}, expected {e.shape}"
            bad = np.argwhere(got != e)
            if len(bad):
                r, c = (int(x) for x in bad[0])
                return f"call {i + 1}: mask[{r}, {c}] = {bool(got[r, c])}, expected {bool(e[r, c])} ({len(bad)} differ)"
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    square = [4, 7]
    cached = [(3, 8), (1, 5), (2, 2)]
    return [
        Check(
            "square mask equals triu(ones, diagonal=1)",
            "Block the strict upper triangle only; return a (T, T) torch.bool tensor.",
            [Call((t,)) for t in square],
            expect_bool_mask([_triu(t, t) for t in square]),
        ),
        Check(
            "the diagonal is kept: token i sees itself",
            "Masking the diagonal too (triu with diagonal=0) leaves row 0 with nothing to attend to and hides each "
            "token from itself (M23).",
            [Call((1,)), Call((3,))],
            expect_bool_mask([_triu(1, 1), _triu(3, 3)]),
        ),
        Check(
            "True means blocked",
            "The mask marks what is blocked (masked_fill polarity): the future is True. tril(ones) is the keep-mask, "
            "which is SDPA's polarity, the opposite one (M22).",
            [Call((5,))],
            expect_bool_mask([_triu(5, 5)]),
        ),
        Check(
            "with S > T the queries are the last T positions (KV cache)",
            "Decoding with a cache: query i is at position i + S - T, so the diagonal shifts right by S - T; a "
            "single new token (T = 1) sees every key.",
            [Call((t, s)) for t, s in cached],
            expect_bool_mask([_triu(t, s) for t, s in cached]),
        ),
    ]
