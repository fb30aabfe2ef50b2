"""The wire's bounds: whatever a sender controls (depth, size, counts, shapes, byte order) ends in a WireError or
the right values, never a RecursionError, a wrap-around or an unbounded allocation."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from mldrill.grader import wire
from mldrill.grader.wire import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_VALUES,
    TooLarge,
    WireError,
    check_depth,
    dumps,
    loads,
    parse_json,
    to_wire,
)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_nesting_100000_deep_is_a_wire_error_not_a_recursion_error() -> None:
    with pytest.raises(WireError, match="nested"):
        loads(nested(100_000))
    with pytest.raises(WireError, match="nested"):
        loads(b'{"__dict__": {"a": ' * 50_000 + b"1" + b"}}" * 50_000)


def test_nesting_at_the_limit_decodes_and_one_more_level_is_refused() -> None:
    value: list[object] = []
    for _ in range(MAX_DEPTH - 1):
        value = [value]
    assert loads(json.dumps(value).encode()) == value
    with pytest.raises(WireError):
        loads(json.dumps([value, [[value]]]).encode())


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = '["' + "[{" * 10_000 + '\\"]", "\\\\", "}"]'
    assert loads(text.encode()) == ["[{" * 10_000 + '"]', "\\", "}"]
    check_depth(text.encode())


def test_encoding_a_deep_or_self_containing_value_is_a_wire_error() -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(WireError, match="nested"):
        to_wire(deep)
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(WireError, match="nested"):
        to_wire(loop)


def test_a_message_over_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(WireError, match="limit"):
        parse_json(b" " * (MAX_BYTES + 1))


def test_an_array_over_the_result_limit_is_refused_when_encoded() -> None:
    with pytest.raises(TooLarge, match="48,000,000 bytes"):
        to_wire(np.zeros(6_000_000))  # 48 MB


def test_more_values_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_VALUES * 2 <= MAX_BYTES  # "0," per value: the real limit is reachable within the size limit
    monkeypatch.setattr(wire, "MAX_VALUES", 1000)  # the same counting, with a list that builds fast
    assert len(loads(json.dumps([0] * 999).encode())) == 999
    with pytest.raises(WireError, match="values"):
        loads(json.dumps([0] * 1000).encode())


@pytest.mark.parametrize(
    "shape",
    [[2**61, 8], [2**64], [-1, 8], [1.5], "8", [1] * 33],
)
def test_a_shape_that_overflows_or_is_not_a_shape_is_refused(shape: object) -> None:
    # 2**61 * 8 * 8 bytes wraps to 0 in int64, which the 0 bytes of data would match
    raw = json.dumps({"__nd__": "float64", "shape": shape, "data": ""}).encode()
    with pytest.raises(WireError):
        loads(raw)


def test_array_data_must_be_base64_text_of_the_exact_size() -> None:
    good = base64.b64encode(np.arange(3.0).tobytes()).decode()
    assert loads(json.dumps({"__nd__": "float64", "shape": [3], "data": good}).encode()).tolist() == [0.0, 1.0, 2.0]
    for data in (123, [good], good[:-4], good + "!!!!"):
        with pytest.raises(WireError):
            loads(json.dumps({"__nd__": "float64", "shape": [3], "data": data}).encode())


@pytest.mark.parametrize("dtype", [">f8", "<f8", ">i4", ">f4", ">u2", "=f8"])
def test_arrays_in_any_byte_order_arrive_with_their_values(dtype: str) -> None:
    values = np.array([[1.5, -2.0, 3.25], [0.0, 7.0, 1e3]]) if "f" in dtype else np.array([[1, 2, 3], [400, 5, 60]])
    arr = values.astype(dtype)
    back = loads(dumps(arr))
    assert back.dtype.isnative and back.dtype.name == np.dtype(dtype).name
    np.testing.assert_array_equal(back, values)


def test_a_huge_big_integer_text_is_refused() -> None:
    with pytest.raises(WireError):
        loads(json.dumps({"__bigint__": "9" * 100_000}).encode())
    assert loads(dumps(-(2**100))) == -(2**100)


@pytest.mark.parametrize("raw", [b"\xff\xfe", b'{"a": 1', b"[1,]", b"NaNa"])
def test_non_json_is_a_wire_error(raw: bytes) -> None:
    with pytest.raises(WireError):
        loads(raw)
