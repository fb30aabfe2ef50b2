"""activations: forward vs torch.nn.functional, backward vs autograd, *_grad vs autograd; M7 numerically."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref import activations as A
from oracles import check_against_torch

PAIRS = [
    (A.relu, F.relu),
    (lambda x: A.leaky_relu(x, 0.1), lambda x: F.leaky_relu(x, 0.1)),
    (lambda x: A.elu(x, 0.7), lambda x: F.elu(x, 0.7)),
    (A.selu, F.selu),
    (A.sigmoid, torch.sigmoid),
    (A.tanh, torch.tanh),
    (A.softplus, F.softplus),
    (lambda x: A.softplus(x, beta=2.0, threshold=3.0), lambda x: F.softplus(x, beta=2.0, threshold=3.0)),
    (A.gelu, F.gelu),
    (lambda x: A.gelu(x, "tanh"), lambda x: F.gelu(x, approximate="tanh")),
    (A.silu, F.silu),
]
GRADS = [
    (A.relu_grad, F.relu),
    (lambda x: A.leaky_relu_grad(x, 0.1), lambda x: F.leaky_relu(x, 0.1)),
    (lambda x: A.elu_grad(x, 0.7), lambda x: F.elu(x, 0.7)),
    (A.selu_grad, F.selu),
    (A.sigmoid_grad, torch.sigmoid),
    (A.tanh_grad, torch.tanh),
    (A.softplus_grad, F.softplus),
    (A.gelu_grad, F.gelu),
    (lambda x: A.gelu_grad(x, "tanh"), lambda x: F.gelu(x, approximate="tanh")),
    (lambda x: A.gelu_grad(x, "sigmoid"), lambda x: x * torch.sigmoid(1.702 * x)),
    (A.silu_grad, F.silu),
]


@pytest.mark.parametrize("i", range(len(PAIRS)))
def test_forward_backward_match_torch(i):
    ours, theirs = PAIRS[i]
    check_against_torch(ours, theirs, [(4, 7)], seed=i)
    check_against_torch(lambda x: ours(4 * x), lambda x: theirs(4 * x), [(50,)], seed=i)  # reach the tails


@pytest.mark.parametrize("i", range(len(GRADS)))
def test_derivative_matches_autograd(i):
    ours_grad, f = GRADS[i]
    x = torch.linspace(-6, 6, 241, dtype=torch.float64)
    x = x[x != 0].requires_grad_()  # the kink of ReLU-like functions: both conventions are defensible
    (ref,) = torch.autograd.grad(f(x).sum(), x)
    torch.testing.assert_close(ours_grad(x.detach()), ref, rtol=1e-7, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-30, 30, allow_nan=False), min_size=1, max_size=10))
def test_sigmoid_tanh_match_torch_random(values):
    x = torch.tensor(values, dtype=torch.float64)
    torch.testing.assert_close(A.sigmoid(x), torch.sigmoid(x), rtol=1e-12, atol=1e-300)
    torch.testing.assert_close(A.tanh(x), torch.tanh(x), rtol=1e-12, atol=1e-300)


def test_sigmoid_stable_at_plus_minus_1000():
    x = torch.tensor([-1000.0, 1000.0], dtype=torch.float64)
    assert torch.isfinite(A.sigmoid(x)).all()
    torch.testing.assert_close(A.sigmoid(x), torch.tensor([0.0, 1.0], dtype=torch.float64))
    assert torch.isfinite(A.softplus(x)).all() and A.softplus(x)[1] == 1000.0


def test_relu_grad_at_zero_is_zero_like_torch():
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    F.relu(x).backward()
    assert A.relu_grad(x.detach()).item() == x.grad.item() == 0.0


def test_prelu_matches_nn_prelu():
    for c in [1, 3]:
        m = torch.nn.PReLU(c).double()
        ours = A.PReLU(c).double()
        x = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
        x2 = x.detach().clone().requires_grad_()
        up = torch.randn(2, 3, 4, dtype=torch.float64)
        (m(x) * up).sum().backward()
        (ours(x2) * up).sum().backward()
        torch.testing.assert_close(x.grad, x2.grad)
        torch.testing.assert_close(m.weight.grad, ours.weight.grad)


def test_sigmoid_derivative_at_most_quarter():
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    assert A.sigmoid_grad(x).max().item() == pytest.approx(0.25, abs=1e-12)
    assert A.tanh_grad(x).max().item() == pytest.approx(1.0, abs=1e-12)


def test_m7_gelu_approximation_errors():
    x = torch.linspace(-8, 8, 16001, dtype=torch.float64)
    exact = F.gelu(x)
    tanh_err = (A.gelu(x, "tanh") - exact).abs().max().item()
    sig_err = (A.gelu(x, "sigmoid") - exact).abs().max().item()
    assert tanh_err < 5e-4
    assert 0.01 < sig_err < 0.03  # "only within ~0.02"
    with pytest.raises(ValueError):
        A.gelu(x, "erf")


def test_silu_minimum():
    x = torch.linspace(-3, 0, 300001, dtype=torch.float64)
    y = A.silu(x)
    i = y.argmin()
    assert y[i].item() == pytest.approx(-0.2785, abs=1e-4)
    assert x[i].item() == pytest.approx(-1.2785, abs=1e-3)
    check_against_torch(lambda t: A.swish(t, 1.0), F.silu, [(5,)])


def test_selu_constants_match_torch():
    x = torch.tensor([-1.0], dtype=torch.float64)
    assert A.selu(x).item() == pytest.approx(F.selu(x).item(), rel=1e-15)
    assert A.SELU_SCALE * A.SELU_ALPHA * (math.exp(-1) - 1) == pytest.approx(F.selu(x).item(), rel=1e-15)


def test_linear_collapse_without_nonlinearity():
    g = torch.Generator().manual_seed(0)
    l1 = torch.nn.Linear(4, 6).double()
    l2 = torch.nn.Linear(6, 3).double()
    w, b = A.collapse((l1.weight, l1.bias), (l2.weight, l2.bias))
    x = torch.randn(5, 4, dtype=torch.float64, generator=g)
    torch.testing.assert_close(l2(l1(x)), x @ w.T + b)
    assert not torch.allclose(l2(F.relu(l1(x))), x @ w.T + b)  # ReLU breaks the collapse


def test_prelu_grad_matches_autograd():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, 5, dtype=torch.float64, generator=g, requires_grad=True)
    a = torch.rand(3, dtype=torch.float64, generator=g, requires_grad=True)
    up = torch.randn(4, 3, 5, dtype=torch.float64, generator=g)
    gx, ga = torch.autograd.grad((F.prelu(x, a) * up).sum(), [x, a])
    dx, da = A.prelu_grad(x.detach(), a.detach())
    torch.testing.assert_close(dx * up, gx)
    torch.testing.assert_close((da * up).sum(dim=(0, 2)), ga)


def test_dying_relu_after_a_learning_rate_spike():
    from mldrill.ref.training import dead_fraction

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(10, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
    x = torch.randn(256, 10)
    assert dead_fraction(model, [x])["1"] == 0.0
    opt = torch.optim.SGD(model.parameters(), lr=1.0)  # one huge step towards a far-off target
    opt.zero_grad()
    torch.nn.functional.mse_loss(model(x), torch.full((256, 1), -20.0)).backward()
    opt.step()
    assert dead_fraction(model, [x])["1"] > 0.1
    dead = (model[:2](x) == 0).all(0)  # (64,) units silent for every input
    frozen = model[0].weight[dead].detach().clone()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(20):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), x[:, :1]).backward()
        assert model[0].weight.grad[dead].abs().max() == 0  # dead units get exactly zero gradient...
        opt.step()
    torch.testing.assert_close(model[0].weight[dead].detach(), frozen, rtol=0, atol=0)  # ...and never recover
