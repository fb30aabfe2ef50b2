"""Call shapes: a plain call, a class kata's method steps, an in-place kata's mutated arguments."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Step, encode_call
from mldrill.grader.wire import from_wire, to_wire
from mldrill.grader.zygote import perform, prepare


class Counter:
    def __init__(self, start: float) -> None:
        self.total = start

    def add(self, x: np.ndarray) -> float:
        self.total += float(np.sum(x))
        return self.total


def scale_in_place(a: np.ndarray, k: float) -> None:
    a *= k


def run(fn: object, call: Call) -> object:
    return from_wire(to_wire(perform(fn, prepare(encode_call(call), None), None)))


def test_plain_call() -> None:
    assert run(lambda x, y=1: x + y, Call((2,), {"y": 3})) == 5


def test_steps_call_methods_and_read_attributes_in_order() -> None:
    call = Call((1.0,), steps=(Step("add", (np.ones(3),)), Step("add", (np.ones(2),)), Step(".total")))
    assert run(Counter, call) == [4.0, 6.0, 6.0]


def test_dotted_steps_reach_inside_the_object() -> None:
    class Pair:
        def __init__(self) -> None:
            self.left, self.right = Counter(1.0), Counter(10.0)

    call = Call(steps=(Step("left.add", (np.ones(2),)), Step(".left.total"), Step(".right.total")))
    assert run(Pair, call) == [3.0, 3.0, 10.0]


def test_an_attribute_read_is_a_snapshot_of_that_step() -> None:
    class Tables:
        def __init__(self) -> None:
            self.tables: dict[str, list[int]] = {}

        def put(self, key: str, value: int) -> None:
            self.tables.setdefault(key, []).append(value)

    steps = (Step("put", ("a", 1)), Step(".tables"), Step("put", ("a", 2)), Step(".tables"))
    assert run(Tables, Call(steps=steps)) == [None, {"a": [1]}, None, {"a": [1, 2]}]


def test_returns_args_gives_the_mutated_arguments() -> None:
    out = run(scale_in_place, Call((np.arange(3.0), 2.0), returns_args=(0,)))
    assert isinstance(out, list) and out[0] is None
    np.testing.assert_array_equal(out[1], [0.0, 2.0, 4.0])
