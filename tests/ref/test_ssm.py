"""SSMs: ZOH vs scipy, recurrence = convolution, associative scan = fold, selective scan naive = parallel."""

import math

import numpy as np
import pytest
import torch
from scipy.signal import cont2discrete

from mldrill.ref.ssm import (
    associative_scan,
    is_stable,
    linear_recurrence_op,
    scan_linear,
    selective_scan_naive,
    selective_scan_parallel,
    ssm_conv,
    ssm_kernel,
    ssm_recurrent,
    zoh,
)


def random_system(N: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(N, N))
    A = M - (np.max(np.linalg.eigvals(M).real) + 0.5) * np.eye(N)  # every eigenvalue in the left half-plane
    return A, rng.normal(size=(N, 1)), rng.normal(size=(1, N))


@pytest.mark.parametrize(("N", "dt"), [(1, 0.1), (3, 0.05), (4, 0.5)])
def test_zoh_matches_scipy(N: int, dt: float):
    A, B, C = random_system(N, seed=N)
    Ab, Bb = zoh(A, B, dt)
    Ad, Bd, *_ = cont2discrete((A, B, C, np.zeros((1, 1))), dt, method="zoh")
    np.testing.assert_allclose(Ab, Ad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Bb, Bd, rtol=1e-10, atol=1e-12)


def test_zoh_handles_a_singular_A():
    A = np.zeros((2, 2))  # pure integrator: A_bar = I, B_bar = dt B
    B = np.array([[1.0], [2.0]])
    Ab, Bb = zoh(A, B, 0.3)
    np.testing.assert_allclose(Ab, np.eye(2))
    np.testing.assert_allclose(Bb, 0.3 * B)


def test_recurrence_equals_convolution():
    A, B, C = random_system(4, seed=7)
    Ab, Bb = zoh(A, B, 0.1)
    assert is_stable(Ab)
    u = np.random.default_rng(0).normal(size=300)
    y_rec = ssm_recurrent(Ab, Bb, C, 0.5, u)
    y_conv = ssm_conv(ssm_kernel(Ab, Bb, C, len(u)), 0.5, u)
    np.testing.assert_allclose(y_conv, y_rec, rtol=1e-9, atol=1e-10)


def test_instability_is_detected():
    A = np.array([[0.1]])  # a positive eigenvalue grows
    Ab, _ = zoh(A, np.ones((1, 1)), 1.0)
    assert not is_stable(Ab)


def test_associative_scan_equals_a_sequential_fold_for_a_non_commutative_op():
    rng = np.random.default_rng(1)
    mats = [rng.normal(size=(3, 3)) for _ in range(13)]
    prefixes, depth = associative_scan(lambda x, y: y @ x, mats)  # "x then y" as a matrix product
    running = np.eye(3)
    for i, m in enumerate(mats):
        running = m @ running
        np.testing.assert_allclose(prefixes[i], running, rtol=1e-10, atol=1e-10)
    assert depth == math.ceil(math.log2(13))


@pytest.mark.parametrize("T", [1, 2, 7, 64, 100])
def test_the_linear_recurrence_scan_equals_the_loop(T: int):
    g = torch.Generator().manual_seed(T)
    a = torch.rand(2, T, 3, generator=g, dtype=torch.float64)
    b = torch.randn(2, T, 3, generator=g, dtype=torch.float64)
    h, rows = torch.zeros(2, 3, dtype=torch.float64), []
    for t in range(T):
        h = a[:, t] * h + b[:, t]
        rows.append(h)
    torch.testing.assert_close(scan_linear(a, b, dim=1), torch.stack(rows, 1), rtol=1e-12, atol=1e-12)
    pairs = [(a[:, t], b[:, t]) for t in range(T)]
    scanned, _ = associative_scan(linear_recurrence_op, pairs)
    torch.testing.assert_close(torch.stack([s[1] for s in scanned], 1), torch.stack(rows, 1))


def _selective_inputs(seed: int, Bsz=2, L=33, d=3, N=4):
    g = torch.Generator().manual_seed(seed)
    D64 = torch.float64
    u = torch.randn(Bsz, L, d, generator=g, dtype=D64)
    delta = torch.nn.functional.softplus(torch.randn(Bsz, L, d, generator=g, dtype=D64))
    A = -torch.rand(d, N, generator=g, dtype=D64) - 0.1
    B = torch.randn(Bsz, L, N, generator=g, dtype=D64)
    C = torch.randn(Bsz, L, N, generator=g, dtype=D64)
    D = torch.randn(d, generator=g, dtype=D64)
    return u, delta, A, B, C, D


def test_selective_scan_parallel_equals_naive_with_gradients():
    args = [x.requires_grad_() for x in _selective_inputs(0)]
    y1 = selective_scan_naive(*args)
    y2 = selective_scan_parallel(*args)
    torch.testing.assert_close(y2, y1, rtol=1e-10, atol=1e-12)
    up = torch.randn_like(y1)
    for ga, gb in zip(
        torch.autograd.grad((y1 * up).sum(), args), torch.autograd.grad((y2 * up).sum(), args), strict=True
    ):
        torch.testing.assert_close(ga, gb, rtol=1e-9, atol=1e-11)


def test_selective_scan_with_constant_parameters_is_the_lti_convolution():
    """With dt, B and C fixed in time the selective scan is an ordinary SSM: each channel is a convolution."""
    u, delta, A, B, C, D = _selective_inputs(1, Bsz=1, L=40, d=2, N=3)
    delta = torch.full_like(delta, 0.3)
    B = B[:, :1].expand_as(B).contiguous()
    C = C[:, :1].expand_as(C).contiguous()
    y = selective_scan_naive(u, delta, A, B, C, D)
    for ch in range(2):
        Ab = np.diag(np.exp(0.3 * A[ch].numpy()))
        Bb = 0.3 * B[0, 0].numpy()[:, None]
        K = ssm_kernel(Ab, Bb, C[0, 0].numpy()[None, :], 40)
        np.testing.assert_allclose(
            y[0, :, ch].numpy(), ssm_conv(K, D[ch].item(), u[0, :, ch].numpy()), rtol=1e-9, atol=1e-10
        )
