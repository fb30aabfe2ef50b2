"""numerics: stable softmax / log-softmax / logsumexp vs SciPy and PyTorch, Jacobian vs autograd."""

import numpy as np
import pytest
import scipy.special
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mldrill.ref import numerics as nm
from oracles import check_against_torch

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
small_arrays = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)), elements=finite)


@settings(max_examples=25, deadline=None)
@given(x=small_arrays, axis=st.sampled_from([0, 1, -1]))
def test_numpy_functions_match_scipy(x, axis):
    np.testing.assert_allclose(nm.softmax(x, axis=axis), scipy.special.softmax(x, axis=axis), rtol=1e-12)
    np.testing.assert_allclose(
        nm.logsumexp(x, axis=axis), scipy.special.logsumexp(x, axis=axis), rtol=1e-12, atol=1e-13
    )
    np.testing.assert_allclose(nm.log_softmax(x, axis=axis), scipy.special.log_softmax(x, axis=axis), atol=1e-12)


def test_softmax_stays_finite_at_plus_minus_1000():
    x = np.array([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, 1000.0], [-1000.0, -1000.0, -999.0]])
    p = nm.softmax(x)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(-1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(p[1], [1 / 3] * 3, rtol=1e-14)  # equal logits -> 1/n
    assert np.all(np.isfinite(nm.log_softmax(x)))
    np.testing.assert_allclose(nm.logsumexp(x), scipy.special.logsumexp(x, axis=-1), rtol=1e-14)
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.all(np.isfinite(np.exp(x[0]) / np.exp(x[0]).sum()))  # why the max is subtracted


def test_softmax_is_shift_invariant():
    x = np.random.default_rng(0).normal(size=(3, 5))
    np.testing.assert_allclose(nm.softmax(x + 123.0), nm.softmax(x), rtol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_fully_neg_inf_row_matches_scipy_and_torch():
    x = np.array([[-np.inf, -np.inf, -np.inf], [0.0, -np.inf, 1.0]])
    assert nm.logsumexp(x)[0] == -np.inf == scipy.special.logsumexp(x[0])
    assert np.all(np.isnan(nm.softmax(x)[0])) and np.all(np.isnan(scipy.special.softmax(x[0])))
    np.testing.assert_allclose(nm.softmax(x)[1], scipy.special.softmax(x[1]), rtol=1e-14)
    t = torch.tensor(x)
    assert nm.logsumexp_torch(t)[0].item() == -np.inf == torch.logsumexp(t, -1)[0].item()
    assert torch.isnan(nm.softmax_torch(t)[0]).all() and torch.isnan(torch.softmax(t, -1)[0]).all()


def test_log_of_softmax_underflows_but_log_softmax_does_not():
    x = torch.tensor([0.0, -800.0], dtype=torch.float64, requires_grad=True)
    naive = torch.log(nm.softmax_torch(x))
    assert naive[1].item() == -np.inf
    naive[1].backward()
    assert torch.isnan(x.grad).any()  # the NaN grads the syllabus warns about
    ours = nm.log_softmax_torch(x)
    torch.testing.assert_close(ours, torch.log_softmax(x, 0), rtol=1e-12, atol=0)


def test_m1_softmax_3_0_0():
    np.testing.assert_allclose(nm.softmax(np.array([3.0, 0.0, 0.0])), [0.909, 0.045, 0.045], atol=5e-4)
    np.testing.assert_allclose(nm.softmax(np.array([3.0, 0.0, 0.0]))[0], np.e**3 / (np.e**3 + 2), rtol=1e-14)


@pytest.mark.parametrize("shape", [(5,), (3, 7), (2, 3, 4)])
def test_torch_twins_forward_backward(shape):
    check_against_torch(nm.softmax_torch, lambda x: torch.softmax(x, -1), [shape])
    check_against_torch(nm.log_softmax_torch, lambda x: torch.log_softmax(x, -1), [shape])
    check_against_torch(nm.logsumexp_torch, lambda x: torch.logsumexp(x, -1), [shape])
    check_against_torch(lambda x: nm.softmax_torch(x, 0), lambda x: torch.softmax(x, 0), [shape])


def test_softmax_jacobian_vs_autograd():
    z = torch.randn(6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    jac = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, -1), z)
    p = torch.softmax(z, -1)
    np.testing.assert_allclose(nm.softmax_jacobian(p.numpy()), jac.numpy(), rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(nm.softmax_jacobian_torch(p), jac, rtol=1e-12, atol=1e-15)
    j = nm.softmax_jacobian(p.numpy())
    np.testing.assert_allclose(j, j.T, atol=0)  # symmetric
    np.testing.assert_allclose(j.sum(-1), 0.0, atol=1e-15)  # rows sum to 0


def test_batched_softmax_jacobian():
    p = scipy.special.softmax(np.random.default_rng(2).normal(size=(3, 4)), axis=-1)
    j = nm.softmax_jacobian(p)
    assert j.shape == (3, 4, 4)
    for b in range(3):
        np.testing.assert_allclose(j[b], np.diag(p[b]) - np.outer(p[b], p[b]), rtol=1e-14)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_ce_grad_is_p_minus_y(reduction):
    g = torch.Generator().manual_seed(3)
    z = torch.randn(5, 4, dtype=torch.float64, generator=g, requires_grad=True)
    y = torch.randint(0, 4, (5,), generator=g)
    torch.nn.functional.cross_entropy(z, y, reduction=reduction).backward()
    np.testing.assert_allclose(nm.ce_grad(z.detach().numpy(), y.numpy(), reduction), z.grad.numpy(), rtol=1e-12)


def test_ce_grad_is_large_when_confidently_wrong():
    right = nm.ce_grad(np.array([[10.0, 0.0]]), np.array([0]))
    wrong = nm.ce_grad(np.array([[10.0, 0.0]]), np.array([1]))
    assert np.abs(wrong).max() > 0.99 and np.abs(right).max() < 1e-4


def test_float32_input_keeps_dtype():
    x = np.array([1.0, 2.0], dtype=np.float32)
    assert nm.softmax(x).dtype == np.float32


def test_numpy_half_imports_without_torch():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import numpy as np\n"
        "from mldrill.ref import autograd, mlp, numerics\n"
        "assert abs(numerics.softmax(np.array([3.0, 0.0, 0.0]))[0] - 0.909) < 1e-3\n"
    )
    src = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "src")
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": src})
