"""Calibration: expected calibration error (ECE), reliability bins, and temperature scaling.

ECE = sum_b (|B_b| / n) |acc(B_b) - conf(B_b)| over equal-width confidence bins (15 by default); conf is the
top-class probability, acc whether the top class is right. Bins are (lo, hi] (a confidence of exactly 0 goes to
the first bin). Temperature scaling (Guo et al., 2017): divide the logits by one scalar T > 0 fitted by minimizing
the NLL on held-out data (here by a bounded 1-D search over log T).
Traps (M66): ECE has no single definition: the bin count (and equal-width vs equal-mass bins) changes the value,
so state it; temperature scaling never changes the argmax, so accuracy is unchanged while NLL and ECE improve.
Tested against a brute-force loop and scipy.optimize in tests/ref/metrics/test_metrics_calibration.py.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax


def reliability_bins(probs: np.ndarray, y: np.ndarray, n_bins: int = 15) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bin: (count, accuracy, mean confidence); empty bins have count 0 and nan statistics."""
    probs = np.asarray(probs, dtype=np.float64)
    conf = probs.max(1)
    correct = (probs.argmax(1) == np.asarray(y)).astype(np.float64)
    # (lo, hi] bins with edges k / n_bins, each correctly rounded: ceil(conf * n_bins) would put a confidence of
    # exactly 14/25 (14/25 * 25 = 14.000000000000002) in (0.56, 0.6] instead of (0.52, 0.56].
    edges = np.arange(n_bins + 1) / n_bins
    b = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    count = np.bincount(b, minlength=n_bins).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        acc = np.bincount(b, weights=correct, minlength=n_bins) / count
        mean_conf = np.bincount(b, weights=conf, minlength=n_bins) / count
    return count, acc, mean_conf


def ece(probs: np.ndarray, y: np.ndarray, n_bins: int = 15) -> float:
    count, acc, conf = reliability_bins(probs, y, n_bins)
    nonempty = count > 0
    return float((count[nonempty] / count.sum() * np.abs(acc[nonempty] - conf[nonempty])).sum())


def nll(logits: np.ndarray, y: np.ndarray, T: float = 1.0) -> float:
    lp = log_softmax(np.asarray(logits, dtype=np.float64) / T, axis=1)
    return float(-lp[np.arange(len(y)), y].mean())


def fit_temperature(logits: np.ndarray, y: np.ndarray, *, bounds: tuple[float, float] = (1e-2, 1e2)) -> float:
    """argmin_T NLL(softmax(logits / T)), searched over log T in log(bounds)."""
    res = minimize_scalar(
        lambda lt: nll(logits, y, float(np.exp(lt))), bounds=np.log(bounds), method="bounded", options={"xatol": 1e-10}
    )
    return float(np.exp(res.x))
