"""A diagonal linear state-space model three ways: recurrence, convolution, and a parallel (associative) scan.

Continuous: h' = A h + B x, y = C h, with A diagonal and negative (stable). Zero-order hold with step Delta:
    Abar = exp(Delta A),  Bbar = (exp(Delta A) - 1) / A * B          (S4/Mamba's discretisation, diagonal case)
Recurrence: h_t = Abar h_{t-1} + Bbar x_t, y_t = C h_t (O(T) sequential steps).
Convolution: y = K * x with K_k = sum_n C_n Abar_n^k Bbar_n (time-invariant only: Mamba's input-dependent Delta breaks
it). Scan: h_t is a prefix "sum" under (a1, b1) o (a2, b2) = (a1 a2, a2 b1 + b2), associative, so log2 T
Hillis-Steele rounds of elementwise work compute every h_t.
"""

from __future__ import annotations

import numpy as np


def discretize(a: np.ndarray, b: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray]:
    abar = np.exp(delta * a)  # (N,)
    return abar, (abar - 1.0) / a * b


def recurrent(abar: np.ndarray, bbar: np.ndarray, c: np.ndarray, x: np.ndarray) -> np.ndarray:
    h = np.zeros_like(abar)
    y = np.empty(len(x))
    for t, xt in enumerate(x):
        h = abar * h + bbar * xt  # (N,)
        y[t] = c @ h
    return y


def kernel(abar: np.ndarray, bbar: np.ndarray, c: np.ndarray, length: int) -> np.ndarray:
    powers = abar[None, :] ** np.arange(length)[:, None]  # (T, N)
    return powers @ (c * bbar)  # (T,)


def convolutional(abar: np.ndarray, bbar: np.ndarray, c: np.ndarray, x: np.ndarray) -> np.ndarray:
    k = kernel(abar, bbar, c, len(x))
    return np.convolve(x, k)[: len(x)]  # causal: y_t = sum_{j <= t} K_j x_{t-j}


def parallel_scan(abar: np.ndarray, bbar: np.ndarray, c: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Hillis-Steele inclusive scan over (a, b) pairs, all time steps at once per round."""
    T = len(x)
    a = np.broadcast_to(abar, (T, len(abar))).copy()  # (T, N)
    b = bbar[None, :] * x[:, None]  # (T, N): h_t = a_t h_{t-1} + b_t
    shift = 1
    while shift < T:
        a_prev, b_prev = a[:-shift].copy(), b[:-shift].copy()
        b[shift:] = a[shift:] * b_prev + b[shift:]  # compose (a_prev, b_prev) then (a, b)
        a[shift:] = a[shift:] * a_prev
        shift *= 2
    return b @ c  # b now holds h_t
