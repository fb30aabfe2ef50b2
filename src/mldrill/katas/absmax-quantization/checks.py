"""Hidden checks for the absmax-quantization kata. Expected codes and scales: explicit NumPy loops over each
tensor / channel / group."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, compare_arrays, showing


def _q(x: np.ndarray, qmax: int) -> tuple[np.ndarray, float]:
    s = max(float(np.abs(x).max()), 1e-12) / qmax
    return np.clip(np.round(x / s), -qmax, qmax), s


def _oracle(w: np.ndarray, bits: int = 8, axis: int | None = None, group: int | None = None):
    qmax = 2 ** (bits - 1) - 1
    if group is not None:
        g = w.reshape(*w.shape[:-1], -1, group)
        q, s = np.zeros_like(g), np.zeros((*g.shape[:-1], 1))
        for idx in np.ndindex(*g.shape[:-1]):
            q[idx], s[idx] = _q(g[idx], qmax)
        return q, s
    if axis is not None:
        q, shape = np.zeros_like(w), [1] * w.ndim
        shape[axis] = w.shape[axis]
        s = np.zeros(shape)
        for c in range(w.shape[axis]):
            sl = [slice(None)] * w.ndim
            sl[axis] = c
            q[tuple(sl)], s[tuple(sl)] = _q(w[tuple(sl)], qmax)
        return q, s
    q, s = _q(w, qmax)
    return q, np.array(s)


def expect_quant(expected: list[tuple[np.ndarray, np.ndarray]]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, (q, s)) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            if not isinstance(o.value, list) or len(o.value) != 2:
                return f"call {i + 1}: expected (q, scale)"
            gq, gs = o.value
            if not isinstance(gq, np.ndarray) or gq.dtype != np.int32:
                return f"call {i + 1}: q must be torch.int32, got {getattr(gq, 'dtype', type(gq).__name__)}"
            gs = np.asarray(gs, dtype=float)
            if s.ndim == 0 and gs.size == 1:
                gs = gs.reshape(())  # a 0-d scale arrives as shape (1,)
            msg = compare_arrays(gs, s, atol=0, rtol=1e-12, name="scale") or compare_arrays(
                gq, q, atol=0, rtol=0, name="q"
            )
            if msg:
                return f"call {i + 1}: {msg}"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    w = rng.normal(size=(4, 8)) * np.array([[0.1], [1.0], [5.0], [0.5]])  # rows of very different scale

    def check(name: str, expl: str, bits: int = 8, axis: int | None = None, group: int | None = None) -> Check:
        kw: dict[str, object] = {"bits": bits}
        if axis is not None:
            kw["axis"] = axis
        if group is not None:
            kw["group_size"] = group
        return Check(name, expl, [Call((T(w),), kw)], expect_quant([_oracle(w, bits, axis, group)]))

    return [
        check("per-tensor int8", "One scale max|w| / 127 for the whole tensor; round to nearest; clamp to +-127."),
        check("4-bit: q_max = 7", "Symmetric b-bit codes use [-(2^(b-1) - 1), 2^(b-1) - 1]: 7 for 4 bits, 127 for 8.",
              bits=4),
        check("one scale per output channel", "axis=0: each row gets max|w_row| / q_max, so the small rows keep their "
              "resolution instead of rounding to 0.", axis=0),
        check("per-channel along another axis", "axis=1: the max runs over every dim except 1.", axis=1),
        check("groups along the last dimension", "group_size=4: each run of 4 weights has its own scale; q and "
              "scale come back in the grouped shape (..., n/4, 4) and (..., n/4, 1).", bits=4, group=4),
    ]  # fmt: skip
