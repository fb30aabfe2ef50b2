"""The wire format: plain data round-trips exactly; anything else is refused."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mldrill.grader.wire import WireError, dumps, loads


@pytest.mark.parametrize(
    "value",
    [
        None, True, 3, -(2**70), 2.5, math.inf, "text", [1, [2.0, "x"]], {"a": [1, 2]},
        np.float32(1.5), np.array(3.25), np.arange(6, dtype=np.int16).reshape(2, 3), np.zeros((0, 4)),
        np.array([np.nan, -np.inf]),
    ],
)  # fmt: skip
def test_round_trip(value: object) -> None:
    back = loads(dumps(value))
    if isinstance(value, np.ndarray):
        assert isinstance(back, np.ndarray) and back.shape == value.shape and back.dtype == value.dtype
        np.testing.assert_array_equal(back, value)
    elif isinstance(value, np.generic):
        assert back == value.item()
    else:
        assert back == value


def test_zero_dim_arrays_keep_their_shape() -> None:
    assert loads(dumps(np.array(2.0))).shape == ()


@pytest.mark.parametrize("value", [object(), np.array(["a"], dtype=object), {1: 2}, {1, 2}])
def test_unplain_values_are_refused(value: object) -> None:
    with pytest.raises(WireError):
        dumps(value)


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'{"__nd__": "object", "shape": [1], "data": ""}',
        b'{"__nd__": "float64", "shape": [2], "data": "AAAAAAAAAAA="}',
        b'{"__weird__": 1}',
    ],
)
def test_malformed_wire_data_is_refused(raw: bytes) -> None:
    with pytest.raises(WireError):
        loads(raw)
