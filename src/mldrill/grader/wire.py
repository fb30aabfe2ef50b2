"""Plain data across the sandbox boundary: JSON with NumPy arrays as typed raw bytes.

Only None, bool, int, float (incl. nan/inf), str, lists, str-keyed dicts and numeric arrays cross. Decoding is
strict: no pickle, no object dtype, and bounded in every dimension a hostile sender controls: total bytes, nesting
depth (checked before `json.loads`, which recurses), number of values and array bytes. Whatever a hostile
submission sends, the trusted side gets plain values it compares itself, so a lying `__eq__`, `__array__` or
patched numpy cannot turn into a pass. Arrays travel in native byte order with their dtype's name, so a
big-endian array arrives with the same values.
"""

from __future__ import annotations

import base64
import json
import math
import re
from typing import Any

import numpy as np

ALLOWED_DTYPES = frozenset(
    {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64"}
)
MAX_BYTES = 16 * 1024 * 1024  # one job's whole result
MAX_DEPTH = 64  # nesting of lists and dicts
MAX_VALUES = 1_000_000  # values in one decoded message (an array counts as one)
MAX_DIMS = 32

# A JSON string, escapes included; possessive, so a long string is one linear scan.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)


class WireError(ValueError):
    pass


class TooLarge(WireError):
    """A value over the size limit: the whole job's error, not one check's."""


def to_wire(obj: Any, _depth: int = 0) -> Any:
    """Python/NumPy/torch values -> JSON-able structure (runs on both sides)."""
    if _depth > MAX_DEPTH:
        raise WireError(f"the value is nested more than {MAX_DEPTH} levels deep")
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int):
        return obj if -(2**63) <= obj < 2**63 else {"__bigint__": str(obj)}
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"__float__": repr(obj)}
    if isinstance(obj, np.generic):
        return to_wire(obj.item(), _depth)
    if isinstance(obj, np.ndarray):
        arr = np.array(obj, order="C", copy=True)  # not ascontiguousarray: it turns a 0-d array into shape (1,)
        if arr.dtype.name not in ALLOWED_DTYPES:
            raise WireError(f"arrays of dtype {arr.dtype} cannot be checked (use a numeric dtype)")
        if not arr.dtype.isnative:  # '>f8' is named float64 too: send the values, not the foreign bytes
            arr = arr.astype(arr.dtype.newbyteorder("="))
        if arr.nbytes > MAX_BYTES:
            raise TooLarge(f"an array of {arr.nbytes:,} bytes is over the {MAX_BYTES:,} byte result limit")
        return {"__nd__": arr.dtype.name, "shape": list(arr.shape), "data": base64.b64encode(arr.tobytes()).decode()}
    if isinstance(obj, list | tuple):
        return [to_wire(x, _depth + 1) for x in obj]
    if isinstance(obj, dict):
        if not all(isinstance(k, str) for k in obj):
            raise WireError("only dicts with string keys can be checked")
        return {"__dict__": {k: to_wire(v, _depth + 1) for k, v in obj.items()}}
    raise WireError(f"a value of type {type(obj).__name__} cannot be checked")


class _Budget:
    def __init__(self) -> None:
        self.values = MAX_VALUES
        self.array_bytes = MAX_BYTES

    def take(self) -> None:
        self.values -= 1
        if self.values < 0:
            raise WireError(f"more than {MAX_VALUES:,} values")


def from_wire(x: Any, _depth: int = 0, _budget: _Budget | None = None) -> Any:
    budget = _budget or _Budget()
    budget.take()
    if _depth > MAX_DEPTH:
        raise WireError(f"nested more than {MAX_DEPTH} levels deep")
    if x is None or isinstance(x, bool | int | float | str):
        return x
    if isinstance(x, list):
        return [from_wire(v, _depth + 1, budget) for v in x]
    if isinstance(x, dict):
        if "__nd__" in x:
            return _array(x, budget)
        if "__float__" in x:
            return float(x["__float__"])
        if "__bigint__" in x:
            text = x["__bigint__"]
            if not isinstance(text, str) or len(text) > 4300:  # Python's own default digit limit
                raise WireError("malformed big integer")
            return int(text)
        if "__dict__" in x and isinstance(x["__dict__"], dict):
            return {str(k): from_wire(v, _depth + 1, budget) for k, v in x["__dict__"].items()}
    raise WireError(f"unexpected value on the wire: {type(x).__name__}")


def _array(x: dict[str, Any], budget: _Budget) -> np.ndarray:
    dtype, shape, data = x.get("__nd__"), x.get("shape"), x.get("data")
    if dtype not in ALLOWED_DTYPES:
        raise WireError(f"dtype {dtype!r} is not allowed")
    if not isinstance(shape, list) or len(shape) > MAX_DIMS or not all(type(s) is int and s >= 0 for s in shape):
        raise WireError("malformed array shape")
    if not isinstance(data, str):
        raise WireError("malformed array data")
    nbytes = math.prod(shape) * np.dtype(dtype).itemsize  # exact: no int64 wrap-around
    budget.array_bytes -= nbytes
    if budget.array_bytes < 0:
        raise WireError(f"arrays over the {MAX_BYTES:,} byte result limit")
    raw = base64.b64decode(data, validate=True)
    if len(raw) != nbytes:
        raise WireError("array bytes do not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def check_depth(data: bytes, limit: int = MAX_DEPTH) -> None:
    """Raise WireError when the JSON text nests lists/objects deeper than `limit` (before parsing it)."""
    if data.count(b"[") + data.count(b"{") <= limit:  # the common case: arrays are strings, so few brackets
        return
    outside = _STRING.sub(b'""', data)  # brackets inside strings do not nest
    codes = np.frombuffer(outside, dtype=np.uint8)
    steps = ((codes == 0x5B) | (codes == 0x7B)).astype(np.int32) - ((codes == 0x5D) | (codes == 0x7D))
    if int(np.cumsum(steps).max()) > limit:
        raise WireError(f"nested more than {limit} levels deep")


def parse_json(data: bytes | str, *, max_bytes: int = MAX_BYTES, depth: int = MAX_DEPTH) -> Any:
    """`json.loads` for untrusted text: bounded in size and depth; every failure is a WireError."""
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise WireError(f"a message of {len(raw):,} bytes is over the {max_bytes:,} byte limit")
    check_depth(raw, depth)
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        raise WireError(f"malformed message: {e}") from None


def dumps(obj: Any) -> bytes:
    return json.dumps(to_wire(obj), allow_nan=False).encode()


def loads(data: bytes) -> Any:
    try:
        return from_wire(parse_json(data))
    except (KeyError, TypeError, ValueError, OverflowError) as e:  # WireError is a ValueError
        raise e if isinstance(e, WireError) else WireError(f"malformed result: {e}") from None
