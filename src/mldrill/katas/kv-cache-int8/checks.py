"""Hidden checks for the kv-cache-int8 kata. Expected codes and scales: an explicit loop over (batch, head) in NumPy."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, compare_arrays, showing


def _oracle(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    q = np.zeros(x.shape, dtype=np.int8)
    s = np.zeros((*x.shape[:2], 1, 1))
    for b in range(x.shape[0]):
        for h in range(x.shape[1]):
            scale = max(float(np.abs(x[b, h]).max()), 1e-12) / 127.0
            s[b, h] = scale
            q[b, h] = np.clip(np.round(x[b, h] / scale), -127, 127).astype(np.int8)
    return q, s


def expect_quant(expected: list[tuple[np.ndarray, np.ndarray]]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, (q, s)) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            if not isinstance(o.value, list) or len(o.value) != 2:
                return f"call {i + 1}: expected (q, scale)"
            gq, gs = o.value
            if not isinstance(gq, np.ndarray) or gq.dtype != np.int8:
                return f"call {i + 1}: q must be a torch.int8 tensor, got {getattr(gq, 'dtype', type(gq).__name__)}"
            msg = compare_arrays(gs, s, atol=0, rtol=1e-12, name="scale") or compare_arrays(
                gq, q, atol=0, rtol=0, name="q"
            )
            if msg:
                return f"call {i + 1}: {msg}"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    rand = rng.normal(size=(2, 3, 5, 4))
    outlier = rng.normal(size=(1, 3, 4, 4))
    outlier[0, 1, 2, 3] = 50.0  # one head with an outlier must not coarsen the others
    trunc = rng.uniform(-1, 1, size=(1, 2, 6, 8))
    zero = rng.normal(size=(1, 2, 3, 4))
    zero[0, 0] = 0.0

    def check(name: str, expl: str, xs: list[np.ndarray]) -> Check:
        return Check(name, expl, [Call((T(x),)) for x in xs], expect_quant([_oracle(x) for x in xs]))

    return [
        check("matches absmax int8 per (batch, head)", "s = max|x| / 127 over (T, hs) for each (b, h); "
              "q = round(x / s), clamped to [-127, 127], as int8.", [rand]),
        check("one scale per head, not per tensor", "A global scale lets the outlier head (max 50) crush the "
              "resolution of every other head to a handful of levels.", [outlier]),
        check("rounds to nearest", "Casting to int8 truncates toward zero: round first.", [trunc]),
        check("an all-zero head gives zeros, not NaN", "0 / 0 is NaN: floor the max at 1e-12 before dividing.",
              [zero]),
    ]  # fmt: skip
