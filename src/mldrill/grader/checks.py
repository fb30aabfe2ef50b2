"""The API a kata's checks.py is written against. Everything here runs on the trusted side.

A kata's checks.py defines `checks(solution, rng) -> list[Check]`, where `solution` is the reference implementation
(a `mldrill.ref` object) and `rng` a np.random.Generator seeded fresh for every run. Each Check lists the calls to
make on the submission (inputs built here, drawn from `rng`: hand-chosen edge cases keep their purpose but get a
drawn scale, offset or shape, so no input repeats between runs and a table of recorded answers is useless), and a
judge that receives the submission's outputs as plain data and returns None (pass), a message, or a Failure that
also names the failing call and its expected and actual values. Expected values are computed here, by the
reference solution or the real library, and never leave this process.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mldrill.grader.verdict import CheckResult
from mldrill.grader.wire import to_wire

SHOW_LIMIT = 2048  # characters of each input / expected / actual repr kept in a verdict


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


_UNKNOWN: Any = object()


@dataclass(frozen=True)
class Failure:
    """A judge's detailed "no": the message, and where known the failing call (0-based) and its values."""

    message: str
    call: int | None = None
    expected: Any = _UNKNOWN
    actual: Any = _UNKNOWN


Judge = Callable[[list[Outcome]], str | Failure | None]


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

    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i, e)
            msg = compare_arrays(o.value, e, atol=atol, rtol=rtol)
            if msg:
                return Failure(f"call {i + 1}: {msg}" if len(outcomes) > 1 else msg, i, e, o.value)
        return None

    return judge


def expect_scalar(expected: Sequence[float], *, atol: float, rtol: float, name: str = "output") -> Judge:
    """Each call must return one number: a float, a 0-d array or tensor, or a one-element array."""

    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i, e)
            try:
                got = np.asarray(o.value, dtype=np.float64)
            except (TypeError, ValueError):
                return Failure(f"call {i + 1}: expected a number, got {type(o.value).__name__}", i, e, o.value)
            if got.size != 1:
                return Failure(f"call {i + 1}: expected a single number (a 0-d tensor), got shape {got.shape}", i, e)
            msg = compare_arrays(got.reshape(()), np.asarray(e, dtype=np.float64), atol=atol, rtol=rtol, name=name)
            if msg:
                return Failure(f"call {i + 1}: {msg}", i, e, o.value)
        return None

    return judge


def expect_equal(expected: Sequence[Any]) -> Judge:
    """Exact equality of plain values (ints, lists, strings, integer arrays)."""

    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i, e)
            got = o.value.tolist() if isinstance(o.value, np.ndarray) else o.value
            want = e.tolist() if isinstance(e, np.ndarray) else e
            if got != want:
                return Failure(f"call {i + 1}: got {_short.repr(got)}, expected {_short.repr(want)}", i, e, o.value)
        return None

    return judge


def showing(expected: Sequence[Any], judge: Judge) -> Judge:
    """`judge`, whose failures also show the failing call's expected value (`expected` holds one per call).

    For a kata's own judge that returns plain messages: a message starting "call N:" names the call (else a
    single-call check's only call).
    """

    def shown(outcomes: list[Outcome]) -> str | Failure | None:
        verdict = judge(outcomes)
        if not isinstance(verdict, str):
            return verdict
        i = _call_named(verdict, len(expected))
        return Failure(verdict, i, _UNKNOWN if i is None else expected[i])

    return shown


def _call_named(message: str, n_calls: int) -> int | None:
    m = re.match(r"call (\d+):", message)
    i = int(m.group(1)) - 1 if m else (0 if n_calls == 1 else None)
    return i if i is not None and 0 <= i < n_calls else None


def expect_parts(
    expected: Sequence[Sequence[Any]], names: Sequence[str], *, atol: float = 1e-6, rtol: float = 1e-5
) -> Judge:
    """Each call returns a tuple of arrays of different shapes (e.g. a loss and per-item values), compared part by
    part; the message names the part that differs. An expected part of None is not compared (a check about one part
    must not fail for a bug in another)."""

    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return Failure(f"call {i + 1}: raised {o.error}", i, e)
            if not isinstance(o.value, list | tuple) or len(o.value) != len(names):
                return Failure(f"call {i + 1}: expected a tuple ({', '.join(names)})", i, e, o.value)
            for name, got, want in zip(names, o.value, e, strict=True):
                if want is None:
                    continue
                msg = compare_arrays(got, want, atol=atol, rtol=rtol, name=name)
                if msg:
                    return Failure(f"call {i + 1}: {msg}" if len(outcomes) > 1 else msg, i, e, o.value)
        return None

    return judge


# -- what a failed check shows ------------------------------------------------------------------------------------
class _Show(reprlib.Repr):
    """Bounded reprs: arrays as dtype, shape and their first and last values; deep or long containers elided."""

    def __init__(self, items: int) -> None:
        super().__init__()
        self.maxlevel = 6
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = items
        self.maxstring = self.maxother = 400
        self.items = items

    def repr_ndarray(self, x: np.ndarray, level: int) -> str:
        body = np.array2string(x, threshold=self.items, edgeitems=3, precision=10, max_line_width=100)
        return f"array({x.dtype}, shape {x.shape}) {body}" if x.ndim else f"{x.dtype}({body})"

    def repr_instance(self, x: Any, level: int) -> str:
        if isinstance(x, np.generic):  # a NumPy scalar reads as its Python value, not np.float64(...)
            return repr(x.item())
        return super().repr_instance(x, level)

    def repr_T(self, x: T, level: int) -> str:
        return "tensor " + self.repr_ndarray(np.asarray(x.array), level)

    def repr_Rng(self, x: Rng, level: int) -> str:
        return f"np.random.default_rng({x.seed})"

    def repr_TorchGen(self, x: TorchGen, level: int) -> str:
        return f"torch.Generator().manual_seed({x.seed})"


_show, _short = _Show(64), _Show(8)


def show(x: Any, limit: int = SHOW_LIMIT) -> str:
    """A repr of `x` for a verdict: the whole value when small, else its shape and first values; at most `limit`."""
    return _cap(_show.repr(x), limit)


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 24] + f" ... ({len(text):,} characters)"


def describe_call(c: Call, limit: int = SHOW_LIMIT) -> str:
    """The inputs of one call, one argument per line (then a class kata's method calls)."""

    def args(a: tuple[Any, ...], kw: dict[str, Any]) -> list[str]:
        return [f"arg {i + 1}: {_show.repr(v)}" for i, v in enumerate(a)] + [
            f"{k} = {_show.repr(v)}" for k, v in kw.items()
        ]

    lines = args(c.args, c.kwargs)
    for s in c.steps:
        inner = ", ".join([_short.repr(v) for v in s.args] + [f"{k}={_short.repr(v)}" for k, v in s.kwargs.items()])
        lines.append(f"then {s.method}" if s.method.startswith(".") else f"then .{s.method}({inner})")
    return _cap("\n".join(lines), limit) if lines else "(no arguments)"


def judge_check(ch: Check, outcomes: list[Outcome]) -> CheckResult:
    """Run one check's judge on its outcomes; a failure carries the failing call's input, expected and actual."""
    seconds = sum(o.seconds for o in outcomes)
    try:
        verdict = ch.judge(outcomes)
    except Exception as e:  # a judge must never crash the grader; treat as a failed check
        verdict = f"could not judge the output ({type(e).__name__}: {e})"
    if verdict is None:
        return CheckResult(ch.name, True, "", ch.explanation, seconds)
    fail = verdict if isinstance(verdict, Failure) else Failure(str(verdict))
    i = fail.call if fail.call is not None else _call_named(fail.message, len(ch.calls))
    if i is not None and not 0 <= i < len(ch.calls):
        i = None
    actual = fail.actual
    if actual is _UNKNOWN and i is not None and i < len(outcomes) and outcomes[i].error is None:
        actual = outcomes[i].value
    return CheckResult(
        ch.name,
        False,
        _cap(fail.message, 2 * SHOW_LIMIT),
        ch.explanation,
        seconds,
        call=None if i is None else i + 1,
        input="" if i is None else describe_call(ch.calls[i]),
        expected="" if fail.expected is _UNKNOWN else show(fail.expected),
        actual="" if actual is _UNKNOWN else show(actual),
    )
