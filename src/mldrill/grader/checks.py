"""The API a kata's checks.py is written against. Everything here runs on the trusted side.

A kata's checks.py defines `checks(solution) -> list[Check]`, where `solution` is the reference implementation (a
`mldrill.ref` object). Each Check lists the calls to make on the submission (inputs built here, with fixed seeds),
and a judge that receives the submission's outputs as plain data and returns None (pass) or a message. Expected
values are computed here, by the reference solution or the real library, and never leave this process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mldrill.grader.wire import to_wire


@dataclass(frozen=True)
class T:
    """An argument passed to the submission as a torch tensor (built from this array in its process)."""

    array: np.ndarray


@dataclass(frozen=True)
class Rng:
    """An argument passed as np.random.default_rng(seed)."""

    seed: int


@dataclass(frozen=True)
class TorchGen:
    """An argument passed as torch.Generator().manual_seed(seed)."""

    seed: int


@dataclass(frozen=True)
class Step:
    """One method call on the object a class kata's entry built (or, for a name starting with '.', an attribute)."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """One invocation of the submission's entry point.

    steps: for a class kata, the method calls to make on the constructed object; the outcome is their results.
    returns_args: for an in-place kata, the argument positions whose values after the call are returned too; the
    outcome is [return value, *those arguments].
    """

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    returns_args: tuple[int, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What one call of the submission produced, as plain data."""

    value: Any = None
    error: str | None = None
    seconds: float = 0.0


Judge = Callable[[list[Outcome]], str | None]


@dataclass(frozen=True)
class Check:
    name: str
    explanation: str  # the trap it guards, shown when it fails
    calls: list[Call]
    judge: Judge


def encode_arg(x: Any) -> Any:
    if isinstance(x, T):
        return {"__torch__": to_wire(np.asarray(x.array))}
    if isinstance(x, Rng):
        return {"__np_rng__": x.seed}
    if isinstance(x, TorchGen):
        return {"__torch_gen__": x.seed}
    if isinstance(x, tuple):
        return {"__tuple__": [encode_arg(v) for v in x]}
    if isinstance(x, list):
        return [encode_arg(v) for v in x]
    return to_wire(x)


def encode_call(c: Call) -> dict[str, Any]:
    def enc(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        return {"args": [encode_arg(a) for a in args], "kwargs": {k: encode_arg(v) for k, v in kwargs.items()}}

    return {
        **enc(c.args, c.kwargs),
        "steps": [{"method": s.method, **enc(s.args, s.kwargs)} for s in c.steps],
        "returns_args": list(c.returns_args),
    }


# -- comparisons (plain data in, message out) ---------------------------------------------------------------------
def compare_arrays(got: Any, expected: Any, *, atol: float, rtol: float, name: str = "output") -> str | None:
    """None when `got` matches `expected` elementwise within atol + rtol*|expected| (NaN matches NaN)."""
    exp = np.asarray(expected, dtype=np.float64)
    if got is None:
        return f"{name}: returned None, expected an array of shape {exp.shape}"
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{name}: expected an array of shape {exp.shape}, got {type(got).__name__}"
    if arr.shape != exp.shape:
        return f"{name}: shape {arr.shape}, expected {exp.shape}"
    nan_exp, nan_got = np.isnan(exp), np.isnan(arr)
    bad = ~(np.isclose(arr, exp, atol=atol, rtol=rtol) | (nan_exp & nan_got))
    if not bad.any():
        return None
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    where = f"[{', '.join(map(str, idx))}]" if idx else ""
    both = bad & np.isfinite(arr) & np.isfinite(exp)
    size = f"max abs error {float(np.max(np.abs(arr - exp)[both])):.3g}" if both.any() else "non-finite values"
    return (
        f"{name}{where} = {float(arr[idx]):.10g}, expected {float(exp[idx]):.10g} "
        f"({int(bad.sum())} of {bad.size} elements differ; {size}; atol={atol:g}, rtol={rtol:g})"
    )


def expect_close(expected: Sequence[Any], *, atol: float = 1e-6, rtol: float = 1e-5) -> Judge:
    """One expected value per call; the submission's output must match each."""

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            msg = compare_arrays(o.value, e, atol=atol, rtol=rtol)
            if msg:
                return f"call {i + 1}: {msg}" if len(outcomes) > 1 else msg
        return None

    return judge


def expect_scalar(expected: Sequence[float], *, atol: float, rtol: float, name: str = "output") -> Judge:
    """Each call must return one number: a float, a 0-d array or tensor, or a one-element array."""

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            try:
                got = np.asarray(o.value, dtype=np.float64)
            except (TypeError, ValueError):
                return f"call {i + 1}: expected a number, got {type(o.value).__name__}"
            if got.size != 1:
                return f"call {i + 1}: expected a single number (a 0-d tensor), got shape {got.shape}"
            msg = compare_arrays(got.reshape(()), np.asarray(e, dtype=np.float64), atol=atol, rtol=rtol, name=name)
            if msg:
                return f"call {i + 1}: {msg}"
        return None

    return judge


def expect_equal(expected: Sequence[Any]) -> Judge:
    """Exact equality of plain values (ints, lists, strings, integer arrays)."""

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            got = o.value.tolist() if isinstance(o.value, np.ndarray) else o.value
            want = e.tolist() if isinstance(e, np.ndarray) else e
            if got != want:
                return f"call {i + 1}: got {got!r}, expected {want!r}"
        return None

    return judge
