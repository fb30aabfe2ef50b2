"""Plain data across the sandbox boundary: JSON with NumPy arrays as typed raw bytes.

Only None, bool, int, float (incl. nan/inf), str, lists, str-keyed dicts and numeric arrays cross. Decoding is
strict: no pickle, no object dtype, bounded size. Whatever a hostile submission sends, the trusted side gets plain
values it compares itself, so a lying `__eq__`, `__array__` or patched numpy cannot turn into a pass.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np

ALLOWED_DTYPES = frozenset(
    {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64"}
)
MAX_BYTES = 64 * 1024 * 1024


class WireError(ValueError):
    pass


def to_wire(obj: Any) -> Any:
    """Python/NumPy/torch values -> JSON-able structure (runs on both sides)."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int):
        return obj if -(2**63) <= obj < 2**63 else {"__bigint__": str(obj)}
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"__float__": repr(obj)}
    if isinstance(obj, np.generic):
        return to_wire(obj.item())
    if isinstance(obj, np.ndarray):
        arr = np.array(obj, order="C", copy=True)  # not ascontiguousarray: it turns a 0-d array into shape (1,)
        if arr.dtype.name not in ALLOWED_DTYPES:
            raise WireError(f"arrays of dtype {arr.dtype} cannot be checked (use a numeric dtype)")
        return {"__nd__": arr.dtype.name, "shape": list(arr.shape), "data": base64.b64encode(arr.tobytes()).decode()}
    if isinstance(obj, list | tuple):
        return [to_wire(x) for x in obj]
    if isinstance(obj, dict):
        if not all(isinstance(k, str) for k in obj):
            raise WireError("only dicts with string keys can be checked")
        return {"__dict__": {k: to_wire(v) for k, v in obj.items()}}
    raise WireError(f"a value of type {type(obj).__name__} cannot be checked")


def from_wire(x: Any) -> Any:
    if x is None or isinstance(x, bool | int | float | str):
        return x
    if isinstance(x, list):
        return [from_wire(v) for v in x]
    if isinstance(x, dict):
        if "__nd__" in x:
            dtype = x["__nd__"]
            if dtype not in ALLOWED_DTYPES:
                raise WireError(f"dtype {dtype!r} is not allowed")
            shape = tuple(int(s) for s in x["shape"])
            raw = base64.b64decode(x["data"], validate=True)
            if len(raw) != int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize:
                raise WireError("array bytes do not match its shape")
            return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        if "__float__" in x:
            return float(x["__float__"])
        if "__bigint__" in x:
            return int(x["__bigint__"])
        if "__dict__" in x and isinstance(x["__dict__"], dict):
            return {str(k): from_wire(v) for k, v in x["__dict__"].items()}
    raise WireError(f"unexpected value on the wire: {type(x).__name__}")


def dumps(obj: Any) -> bytes:
    return json.dumps(to_wire(obj), allow_nan=False).encode()


def loads(data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise WireError(f"result of {len(data)} bytes exceeds the {MAX_BYTES} byte limit")
    try:
        return from_wire(json.loads(data))
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as e:
        raise WireError(f"malformed result: {e}") from None
