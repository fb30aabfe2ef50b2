"""Regularizers: inverted dropout, stochastic depth, L1/L2 (soft-thresholding, Lasso by coordinate descent, ridge),
mixup and CutMix, and the dropout-before-BN variance shift.

dropout     train: m * x / (1 - p), m ~ Bernoulli(1 - p); eval: the identity (M16: the rescale happens once, in
            training). p is the *drop* probability in PyTorch and Keras; the original paper's p kept units (M17).
drop_path   a residual branch is dropped per sample ('row') or for the whole batch ('batch'), survivors / (1 - p)
            (Huang et al., 2016; torchvision.ops.stochastic_depth)
L1 / L2     soft_threshold(w, lam) = sign(w) max(|w| - lam, 0): exact zeros (the L1 diamond); ridge only shrinks.
            sklearn's Lasso minimises ||y - Xw||^2 / (2n) + alpha ||w||_1; Ridge ||y - Xw||^2 + alpha ||w||^2 (no 1/n).
mixup       lambda ~ Beta(a, a); x = lambda x_i + (1 - lambda) x_j, and the same for the labels (Zhang et al., 2018);
            one permutation j = perm(i) for inputs and labels; one-hot over all K classes, not the batch's max label
CutMix      paste a box of area ~ (1 - lambda) from x_j; lambda is recomputed from the *clipped* box (Yun et al., 2019)

Tested against F.dropout (same RNG stream), sklearn Lasso/Ridge and closed forms (tests/ref/test_regularization.py).
"""

from __future__ import annotations

import math

import numpy as np
import torch


def dropout(
    x: torch.Tensor, p: float = 0.5, training: bool = True, *, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Inverted dropout. Draws the mask exactly as F.dropout does, so the same RNG state gives the same mask."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.empty_like(x).bernoulli_(1 - p, generator=generator)
    return x * keep.div_(1 - p)


def drop_path(x: torch.Tensor, p: float, training: bool = True, *, mode: str = "row",
              generator: torch.Generator | None = None) -> torch.Tensor:  # fmt: skip
    """Stochastic depth on a residual branch output x (N, ...): whole samples ('row') or the whole batch ('batch')."""
    if mode not in ("row", "batch"):
        raise ValueError(f"mode must be 'row' or 'batch', got {mode!r}")
    if not training or p == 0:
        return x
    shape = (x.shape[0],) + (1,) * (x.dim() - 1) if mode == "row" else (1,) * x.dim()
    keep = torch.empty(shape, dtype=x.dtype).bernoulli_(1 - p, generator=generator)
    return x * keep / (1 - p)


def variance_shift_demo(p: float, *, n: int = 200_000, generator: torch.Generator | None = None) -> float:
    """Var(dropout(x)) in train / Var(x) in eval for x ~ N(0, 1): 1 / (1 - p), not 1. A BN after dropout learns
    train-mode statistics that are wrong at eval (Li et al., 2019)."""
    x = torch.randn(n, dtype=torch.float64, generator=generator)
    return float(dropout(x, p, True, generator=generator).var() / x.var())


def soft_threshold(w: np.ndarray, lam: float) -> np.ndarray:
    return np.sign(w) * np.maximum(np.abs(w) - lam, 0.0)


def lasso_cd(X: np.ndarray, y: np.ndarray, alpha: float, *, l1_ratio: float = 1.0, max_iter: int = 1000,
             tol: float = 1e-10, fit_intercept: bool = True) -> tuple[np.ndarray, float]:  # fmt: skip
    """Cyclic coordinate descent for sklearn's Lasso / ElasticNet objective
    ||y - Xw - b||^2 / (2n) + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio) ||w||^2 / 2. Returns (coef, intercept)."""
    n, d = X.shape
    x_mean = X.mean(0) if fit_intercept else np.zeros(d)
    y_mean = y.mean() if fit_intercept else 0.0
    Xc, yc = X - x_mean, y - y_mean
    w = np.zeros(d)
    col_sq = (Xc**2).sum(0) / n  # (d,)
    r = yc.copy()  # residual y - Xw
    for _ in range(max_iter):
        max_change = 0.0
        for j in range(d):
            if col_sq[j] == 0 and l1_ratio == 1.0:
                continue
            old = w[j]
            rho = Xc[:, j] @ r / n + col_sq[j] * old  # correlation with the partial residual
            w[j] = soft_threshold(np.array(rho), alpha * l1_ratio) / (col_sq[j] + alpha * (1 - l1_ratio))
            if w[j] != old:
                r -= Xc[:, j] * (w[j] - old)
                max_change = max(max_change, abs(w[j] - old))
        if max_change < tol:
            break
    return w, float(y_mean - x_mean @ w)


def ridge(X: np.ndarray, y: np.ndarray, alpha: float, *, fit_intercept: bool = True) -> tuple[np.ndarray, float]:
    """(X^T X + alpha I)^-1 X^T y on centred data (sklearn Ridge: no 1/n, intercept not penalised)."""
    x_mean = X.mean(0) if fit_intercept else np.zeros(X.shape[1])
    y_mean = y.mean() if fit_intercept else 0.0
    Xc, yc = X - x_mean, y - y_mean
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(y_mean - x_mean @ w)


def mixup(x: torch.Tensor, y: torch.Tensor, *, alpha: float = 0.2,
          generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor, float]:  # fmt: skip
    """Mix each example with a shuffled partner: y must be one-hot / soft labels (N, K). Returns (x, y, lambda)."""
    lam = float(torch.distributions.Beta(alpha, alpha).sample()) if generator is None else _beta(alpha, generator)
    perm = torch.randperm(x.shape[0], generator=generator)
    return lam * x + (1 - lam) * x[perm], lam * y + (1 - lam) * y[perm], lam


def mixup_batch(x: torch.Tensor, y: torch.Tensor, lam: float, *, num_classes: int,
                generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
    """Mixup with a given lambda: integer labels y (N,) become one-hot (N, K) and mix with the same partner and the
    same lambda as the inputs x (N, ...). One permutation, torch.randperm(N, generator=generator), for both."""
    perm = torch.randperm(x.shape[0], generator=generator)  # drawn once: x and y must share it
    onehot = torch.nn.functional.one_hot(y.long(), num_classes).to(x.dtype)  # (N, K), K fixed, not y.max() + 1
    return lam * x + (1 - lam) * x[perm], lam * onehot + (1 - lam) * onehot[perm]


def _beta(alpha: float, generator: torch.Generator) -> float:
    """Beta(a, a) from two Gamma draws via numpy seeded from the torch generator (torch's Beta takes no generator)."""
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=generator))
    return float(np.random.default_rng(seed).beta(alpha, alpha))


def cutmix_box(h: int, w: int, lam: float, cy: int, cx: int) -> tuple[int, int, int, int]:
    """Box of area ~ (1 - lam) h w centred at (cy, cx), clipped to the image: (y1, y2, x1, x2)."""
    r = math.sqrt(1 - lam)
    bh, bw = int(h * r), int(w * r)
    y1, y2 = max(cy - bh // 2, 0), min(cy + bh // 2, h)
    x1, x2 = max(cx - bw // 2, 0), min(cx + bw // 2, w)
    return y1, y2, x1, x2


def cutmix(x: torch.Tensor, y: torch.Tensor, *, alpha: float = 1.0,
           generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor, float]:  # fmt: skip
    """Paste a box from a shuffled partner into x (N, C, H, W); labels mix with the area actually pasted."""
    g = generator if generator is not None else torch.Generator().manual_seed(int(torch.randint(0, 2**31 - 1, (1,))))
    lam = _beta(alpha, g)
    h, w = x.shape[-2:]
    cy, cx = int(torch.randint(0, h, (1,), generator=g)), int(torch.randint(0, w, (1,), generator=g))
    y1, y2, x1, x2 = cutmix_box(h, w, lam, cy, cx)
    perm = torch.randperm(x.shape[0], generator=g)
    out = x.clone()
    out[..., y1:y2, x1:x2] = x[perm][..., y1:y2, x1:x2]
    lam_adj = 1 - (y2 - y1) * (x2 - x1) / (h * w)  # from the clipped box, not the sampled lambda
    return out, lam_adj * y + (1 - lam_adj) * y[perm], lam_adj


def l2_penalty(params: list[torch.Tensor], lam: float) -> torch.Tensor:
    """lam / 2 * sum ||w||^2: its gradient lam * w is what SGD's weight_decay adds to g."""
    return 0.5 * lam * sum((p**2).sum() for p in params)  # type: ignore[return-value]


def drop_path_rates(n_layer: int, p_max: float) -> list[float]:
    """Linear-decay rule of stochastic depth: block l (0-based) drops with p_max * l / (n_layer - 1), so the first
    block is never dropped and the last is dropped with p_max (Huang et al., 2016; timm's `drop_path_rate`)."""
    if n_layer == 1:
        return [p_max]
    return [p_max * i / (n_layer - 1) for i in range(n_layer)]
