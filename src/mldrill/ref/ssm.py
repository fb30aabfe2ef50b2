"""State-space models: discretization, the recurrence = convolution duality, the parallel scan, Mamba's selective scan.

    continuous      h'(t) = A h(t) + B u(t),   y(t) = C h(t) + D u(t)
    ZOH             A_bar = exp(dt A),   B_bar = (dt A)^-1 (exp(dt A) - I) dt B
    recurrence      h_k = A_bar h_{k-1} + B_bar u_k,   y_k = C h_k + D u_k                      O(T) steps
    convolution     y = K * u + D u,   K = (C B_bar, C A_bar B_bar, C A_bar^2 B_bar, ...)      one long conv
    scan operator   (a1, b1) o (a2, b2) = (a2 a1, a2 b1 + b2)      associative, not commutative: O(log T) depth

Traps:
- Discretize first: the recurrence uses A_bar and B_bar, never A and B. ZOH here uses the block-matrix exponential
  exp([[A, B], [0, 0]] dt) = [[A_bar, B_bar], [0, I]], which needs no inverse of A (A may be singular).
- The system is stable iff every |eig(A_bar)| < 1 (every eig(A) has a negative real part).
- Mamba is selective (M43): dt, B and C all depend on the input token, so A_bar varies in time. The convolution
  view is then gone; the associative scan still applies, because each step is still h = a * h + b.
- Mamba discretizes A with ZOH but B with the simpler Euler step dt * B (as its reference implementation does).

Tested against scipy.signal.cont2discrete (ZOH) and sequential folds (tests/ref/test_ssm.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
import torch
from scipy.linalg import expm

X = TypeVar("X")


def zoh(A: np.ndarray, B: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Zero-order-hold discretization of (A (N, N), B (N, M)) with step dt -> (A_bar, B_bar)."""
    N, M = B.shape
    block = np.zeros((N + M, N + M))
    block[:N, :N], block[:N, N:] = A, B
    e = expm(block * dt)  # (N+M, N+M)
    return e[:N, :N], e[:N, N:]


def ssm_recurrent(Ab: np.ndarray, Bb: np.ndarray, C: np.ndarray, D: float, u: np.ndarray) -> np.ndarray:
    """Single-input single-output SSM run step by step: u (T,) -> y (T,). Ab (N, N), Bb (N, 1), C (1, N)."""
    h = np.zeros(Ab.shape[0])
    y = np.empty(len(u))
    for k, uk in enumerate(u):
        h = Ab @ h + Bb[:, 0] * uk  # (N,)
        y[k] = C[0] @ h + D * uk
    return y


def ssm_kernel(Ab: np.ndarray, Bb: np.ndarray, C: np.ndarray, T: int) -> np.ndarray:
    """K_j = C A_bar^j B_bar for j < T: the impulse response of the discrete system (without D)."""
    K = np.empty(T)
    v = Bb[:, 0]  # (N,)
    for j in range(T):
        K[j] = C[0] @ v
        v = Ab @ v
    return K


def ssm_conv(K: np.ndarray, D: float, u: np.ndarray) -> np.ndarray:
    """y = causal convolution of u with K, plus D u, through the FFT (zero-padded to 2T: no wrap-around)."""
    T = len(u)
    n = 2 * T
    y = np.fft.irfft(np.fft.rfft(u, n) * np.fft.rfft(K[:T], n), n)[:T]
    return y + D * u


def is_stable(Ab: np.ndarray) -> bool:
    return bool(np.max(np.abs(np.linalg.eigvals(Ab))) < 1.0)


def associative_scan(op: Callable[[X, X], X], xs: Sequence[X]) -> tuple[list[X], int]:
    """Inclusive scan of xs under an associative op, in the Hillis-Steele pattern; returns (prefixes, depth).

    Round d combines each element with the one 2^d places to its left, all independently (the parallel step), so
    the depth is ceil(log2 n). op(left, right) keeps the order: the op need not be commutative.
    """
    out = list(xs)
    depth, offset = 0, 1
    while offset < len(out):
        out = [out[i] if i < offset else op(out[i - offset], out[i]) for i in range(len(out))]
        offset *= 2
        depth += 1
    return out, depth


def linear_recurrence_op(
    left: tuple[torch.Tensor, torch.Tensor], right: tuple[torch.Tensor, torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """(a1, b1) o (a2, b2) = (a2 a1, a2 b1 + b2): two steps h -> a h + b composed, first then second."""
    a1, b1 = left
    a2, b2 = right
    return a2 * a1, a2 * b1 + b2


def scan_linear(a: torch.Tensor, b: torch.Tensor, dim: int = 1) -> torch.Tensor:
    """h_t = a_t h_{t-1} + b_t with h_{-1} = 0 along `dim`, vectorized with log2(T) doubling rounds."""
    a, b = a.movedim(dim, 0), b.movedim(dim, 0)  # (T, ...)
    offset = 1
    while offset < a.shape[0]:
        a_prev, b_prev = a[:-offset], b[:-offset]  # the partial products `offset` steps to the left
        b = torch.cat([b[:offset], a[offset:] * b_prev + b[offset:]])
        a = torch.cat([a[:offset], a[offset:] * a_prev])
        offset *= 2
    return b.movedim(0, dim)


def _discretize(
    u: torch.Tensor, delta: torch.Tensor, A: torch.Tensor, B: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mamba's discretization: A_bar = exp(delta A) (ZOH), B_bar u = delta B u (Euler)."""
    Ab = torch.exp(delta[..., None] * A)  # (Bsz, L, d, N)
    Bu = delta[..., None] * B[:, :, None, :] * u[..., None]  # (Bsz, L, d, N)
    return Ab, Bu


def selective_scan_naive(
    u: torch.Tensor, delta: torch.Tensor, A: torch.Tensor, B: torch.Tensor, C: torch.Tensor, D: torch.Tensor
) -> torch.Tensor:
    """Selective SSM, one time step at a time.

    u, delta: (Bsz, L, d); A: (d, N) (negative real parts for stability); B, C: (Bsz, L, N); D: (d,).
    """
    Ab, Bu = _discretize(u, delta, A, B)
    h = torch.zeros(u.shape[0], u.shape[2], A.shape[1], dtype=u.dtype)  # (Bsz, d, N)
    ys = []
    for t in range(u.shape[1]):
        h = Ab[:, t] * h + Bu[:, t]  # (Bsz, d, N)
        ys.append((h * C[:, t, None, :]).sum(-1))  # (Bsz, d)
    return torch.stack(ys, dim=1) + D * u  # (Bsz, L, d)


def selective_scan_parallel(
    u: torch.Tensor, delta: torch.Tensor, A: torch.Tensor, B: torch.Tensor, C: torch.Tensor, D: torch.Tensor
) -> torch.Tensor:
    """The same recurrence through the associative scan over L (log2 L rounds, each fully parallel)."""
    Ab, Bu = _discretize(u, delta, A, B)
    h = scan_linear(Ab, Bu, dim=1)  # (Bsz, L, d, N)
    return (h * C[:, :, None, :]).sum(-1) + D * u  # (Bsz, L, d)
