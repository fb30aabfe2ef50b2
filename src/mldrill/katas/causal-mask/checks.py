"""Hidden checks for the causal-mask kata. Expected masks come from torch.triu (and the reference)."""

from __future__ import annotations

import numpy as np
import torch

from mldrill.grader.checks import Call, Check, Judge, Outcome, showing


def _triu(t: int, s: int) -> np.ndarray:
    return torch.triu(torch.ones(t, s, dtype=torch.bool), diagonal=s - t + 1).numpy()


def expect_bool_mask(
    expected: list[np.ndarray], *, strict_dtype: bool = True, either_polarity: bool = False, off_diagonal: bool = False
) -> Judge:
    """Exact masks. A targeted check can relax what another check judges, so that it blames only its own trap:
    strict_dtype=False accepts 0/1 numbers for booleans (the dtype has its own check), either_polarity=True accepts
    the inverted mask too (the polarity has its own check), off_diagonal=True ignores each query's own position, the
    diagonal shifted by S - T (which has its own check).
    """

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            got = o.value
            if not isinstance(got, np.ndarray):
                return f"call {i + 1}: expected a bool tensor, got {type(got).__name__}"
            if got.dtype != np.bool_:
                if strict_dtype or not np.isin(got, (0, 1)).all():
                    return f"call {i + 1}: dtype {got.dtype}, expected torch.bool"
                got = got.astype(bool)
            if got.shape != e.shape:
                return f"call {i + 1}: shape {got.shape}, expected {e.shape}"
            t, s = e.shape
            judged = ~np.eye(t, s, k=s - t, dtype=bool) if off_diagonal else np.ones(e.shape, dtype=bool)
            if either_polarity and not ((got == e) & judged).any():
                continue  # the inverted mask
            bad = np.argwhere((got != e) & judged)
            if len(bad):
                r, c = (int(x) for x in bad[0])
                return f"call {i + 1}: mask[{r}, {c}] = {bool(got[r, c])}, expected {bool(e[r, c])} ({len(bad)} differ)"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def n(lo: int, hi: int) -> int:
        return int(rng.integers(lo, hi))

    square = [n(2, 24), n(24, 64)]
    t = n(2, 24)
    cached = [(t, t + n(2, 40)), (1, n(3, 64)), (t, t)]  # S - T >= 2: a missing shift shows off the diagonal
    tiny, diag, block = n(1, 5), n(5, 64), n(3, 64)
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
            "token from itself (M23). (Judged up to polarity: the diagonal must fall on the side of the past.)",
            [Call((tiny,)), Call((diag,))],
            expect_bool_mask([_triu(tiny, tiny), _triu(diag, diag)], strict_dtype=False, either_polarity=True),
        ),
        Check(
            "True means blocked",
            "The mask marks what is blocked (masked_fill polarity): the future is True. tril(ones) is the keep-mask, "
            "which is SDPA's polarity, the opposite one (M22). (Judged off the diagonal, which has its own check.)",
            [Call((block,))],
            expect_bool_mask([_triu(block, block)], strict_dtype=False, off_diagonal=True),
        ),
        Check(
            "with S > T the queries are the last T positions (KV cache)",
            "Decoding with a cache: query i is at position i + S - T, so the diagonal shifts right by S - T; a "
            "single new token (T = 1) sees every key. (Judged up to polarity and off the diagonal, which have "
            "their own checks.)",
            [Call((t, s)) for t, s in cached],
            expect_bool_mask(
                [_triu(t, s) for t, s in cached], strict_dtype=False, either_polarity=True, off_diagonal=True
            ),
        ),
    ]
