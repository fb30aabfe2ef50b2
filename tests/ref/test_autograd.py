"""autograd: the scalar Value engine vs torch.autograd in float64 (micrograd's test, extended)."""

import math

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mldrill.ref.autograd import Value


def _expr(a, b, ops):
    """The same expression for Value and torch scalars; `ops` picks the unary functions."""
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    h = ops["tanh"](g / 100) + ops["sigmoid"](a) * ops["exp"](b / 4) + ops["log"](a * a + 1) + (2 - b) * 0.5
    return h


VALUE_OPS = {"tanh": Value.tanh, "sigmoid": Value.sigmoid, "exp": Value.exp, "log": Value.log}
TORCH_OPS = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "exp": torch.exp, "log": torch.log}


@settings(max_examples=25, deadline=None)
@given(av=st.floats(-3, 3), bv=st.floats(-3, 3))
def test_value_matches_torch(av, bv):
    at = torch.tensor(av, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(bv, dtype=torch.float64, requires_grad=True)
    ref = _expr(at, bt, TORCH_OPS)
    ref.backward()
    # e.g. 10 / f with f = 0: Python floats raise where torch gives inf (and NaN gradients)
    assume(math.isfinite(ref.item()) and math.isfinite(at.grad.item()) and math.isfinite(bt.grad.item()))
    a, b = Value(av), Value(bv)
    out = _expr(a, b, VALUE_OPS)
    out.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-9, abs=1e-12)
    assert a.grad == pytest.approx(at.grad.item(), rel=1e-7, abs=1e-9)
    assert b.grad == pytest.approx(bt.grad.item(), rel=1e-7, abs=1e-9)


def test_reused_node_accumulates():
    x = Value(3.0)
    y = x * x + x  # x used three times
    y.backward()
    assert x.grad == 2 * 3.0 + 1
    shared = Value(2.0)
    s = shared.tanh()
    z = s * s + s  # a shared intermediate
    z.backward()
    t = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    ts = t.tanh()
    (ts * ts + ts).backward()
    assert shared.grad == pytest.approx(t.grad.item(), rel=1e-12)


def test_backward_twice_accumulates_leaves_like_torch():
    a, b = Value(1.5), Value(-0.5)
    out = (a * b).tanh() * a + b
    out.backward()
    out.backward()
    at = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(-0.5, dtype=torch.float64, requires_grad=True)
    ref = (at * bt).tanh() * at + bt
    ref.backward(retain_graph=True)
    ref.backward()
    assert a.grad == pytest.approx(at.grad.item(), rel=1e-12)
    assert b.grad == pytest.approx(bt.grad.item(), rel=1e-12)


def test_deep_chain_does_not_recurse():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()  # a recursive topo sort would overflow the stack here
    assert x.grad == pytest.approx(1.0001**5000, rel=1e-9)


def test_constant_exponent_only():
    with pytest.raises(TypeError):
        Value(2.0) ** Value(3.0)


def test_neuron_matches_torch():
    xs, ws, bias = [0.5, -1.5, 2.0], [0.3, 0.8, -0.4], 0.1
    x = [Value(v) for v in xs]
    w = [Value(v) for v in ws]
    b = Value(bias)
    out = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b).relu() + sum(x, Value(0)).sigmoid()
    out.backward()
    xt = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(ws, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(bias, dtype=torch.float64, requires_grad=True)
    ref = torch.relu((wt * xt).sum() + bt) + torch.sigmoid(xt.sum())
    ref.backward()
    assert [v.grad for v in x] == pytest.approx(xt.grad.tolist(), rel=1e-12)
    assert [v.grad for v in w] == pytest.approx(wt.grad.tolist(), rel=1e-12)
    assert b.grad == pytest.approx(bt.grad.item(), rel=1e-12)
