"""A scalar reverse-mode autograd engine: `Value` nodes, a topological sort, and the chain rule.

Each operation records its inputs and a closure that adds (local derivative x output grad) into each input's
`.grad`. `backward()` sorts the graph so that every node is processed after all nodes that use it, seeds the root
with d root / d root = 1, and runs the closures in reverse topological order.

Traps: a node used twice (x * x, or a shared subexpression) must *accumulate* (+=) its gradient, not overwrite it;
without the topological order a node would pass on its gradient before receiving all of it. Calling backward twice
follows torch (with retain_graph=True): leaf gradients accumulate, intermediate gradients are recomputed.
Idea after micrograd (Karpathy). Tested against torch.autograd in float64 (tests/ref/test_autograd.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable


class Value:
    """A scalar with a gradient. Leaves are Values created directly; the rest come from operations."""

    __slots__ = ("_backward", "_op", "_prev", "data", "grad")

    def __init__(self, data: float, _children: tuple[Value, ...] = (), _op: str = ""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = _children
        self._op = _op
        self._backward: Callable[[], None] = lambda: None

    @staticmethod
    def _wrap(other: Value | float) -> Value:
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other: Value | float) -> Value:
        other = self._wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = self._wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: float) -> Value:
        if isinstance(k, Value):
            raise TypeError("only constant exponents are supported; use exp(k * log(x))")
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward() -> None:
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def _unary(self, value: float, local_grad: float, op: str) -> Value:
        out = Value(value, (self,), op)

        def _backward() -> None:
            self.grad += local_grad * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        e = math.exp(self.data)
        return self._unary(e, e, "exp")

    def log(self) -> Value:
        return self._unary(math.log(self.data), 1.0 / self.data, "log")

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, 1 - t * t, "tanh")

    def relu(self) -> Value:
        return self._unary(max(self.data, 0.0), float(self.data > 0), "relu")

    def sigmoid(self) -> Value:
        s = 1 / (1 + math.exp(-self.data)) if self.data >= 0 else math.exp(self.data) / (1 + math.exp(self.data))
        return self._unary(s, s * (1 - s), "sigmoid")

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-self._wrap(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * self._wrap(other) ** -1

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return self._wrap(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return self._wrap(other) / self

    def topo(self) -> list[Value]:
        """Nodes of the graph below self, each after all of its inputs (iterative DFS: deep graphs are fine)."""
        order: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in node._prev if id(child) not in seen)
        return order

    def backward(self) -> None:
        order = self.topo()
        for node in order:
            if node._prev:  # intermediate: recomputed from scratch; leaves keep accumulating, like torch
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            node._backward()

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"
