"""Loss functions from logits, written from their formulas, in PyTorch's conventions.

CE(z, y)        = -z_y + logsumexp(z)                       (logits in, never probabilities)
smoothed target = (1 - eps) * onehot(y) + eps / K           (PyTorch: eps/K on *every* class, M3)
BCE-logits      = pos_weight * y * softplus(-x) + (1 - y) * softplus(x)
focal           = -alpha_t (1 - p_t)^gamma log p_t          (Lin et al., 2017)
Huber_d(r)      = r^2 / 2 if |r| <= d else d (|r| - d / 2);  SmoothL1_b = Huber_b / b  (M4)
KD              = alpha * T^2 * KL(p_t^T || p_s^T) + (1 - alpha) * CE(s, y)   (Hinton et al., 2015; M5)
InfoNCE         = CE(sim(q, k) / tau, arange(N))            (van den Oord et al., 2018)

Traps: `ignore_index` targets are skipped and the mean is over the rest (M2); with class weights the mean divides by
the sum of the *target* weights; `pos_weight` scales only the positive term; softmax is wrong for multi-label;
`F.kl_div(input, target)` wants log-probabilities as input and computes KL(target || input) (M6).

Also here: the hand-written softmax + cross-entropy forward/backward pair (cache style of llm.c) and a CTC forward.
Tested against torch.nn.functional (tests/ref/test_losses.py); focal against its closed form (torchvision absent).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from mldrill.ref.numerics import log_softmax_torch, logsumexp_torch


def _reduce(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def softplus_stable(x: torch.Tensor) -> torch.Tensor:
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|): finite for any x."""
    return torch.clamp(x, min=0) + torch.log1p(torch.exp(-x.abs()))


def smooth_targets(
    y: torch.Tensor, num_classes: int, eps: float, *, dtype: torch.dtype = torch.float64
) -> torch.Tensor:
    """Label-smoothed target distribution, PyTorch convention: (1 - eps) * onehot + eps / K. (N,) -> (N, K)."""
    onehot = torch.nn.functional.one_hot(y, num_classes).to(dtype)  # (N, K)
    return onehot * (1.0 - eps) + eps / num_classes


def cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> torch.Tensor:
    """F.cross_entropy for logits (N, C) or (N, C, d1, ...) and class-index targets (N, d1, ...).

    Per example: (1 - eps) * w_y * nll + (eps / C) * sum_c w_c * (-log p_c). Mean reduction divides by the sum of
    w_y over non-ignored targets (N_valid without weights).
    """
    out_shape = target.shape
    if logits.dim() > 2:  # (N, C, d1, ...) -> (N * d1 * ..., C)
        c = logits.shape[1]
        logits = logits.movedim(1, -1).reshape(-1, c)
        target = target.reshape(-1)
    c = logits.shape[1]
    logp = log_softmax_torch(logits, dim=-1)  # (N, C)
    valid = target != ignore_index  # (N,)
    safe_t = torch.where(valid, target, torch.zeros_like(target))
    w = weight if weight is not None else torch.ones(c, dtype=logits.dtype)
    w_y = w[safe_t] * valid  # (N,); 0 for ignored targets
    nll = -logp.gather(1, safe_t[:, None]).squeeze(1) * w_y  # (N,)
    smooth = -(logp * w).sum(dim=1) * valid  # (N,)
    loss = (1.0 - label_smoothing) * nll + (label_smoothing / c) * smooth
    if reduction == "mean":
        return loss.sum() / w_y.sum()  # all targets ignored -> 0/0 = NaN, as in torch
    if reduction == "none":
        return loss.reshape(out_shape)  # (N, d1, ...)
    return _reduce(loss, reduction)


def bce_with_logits(
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    pos_weight: torch.Tensor | float | None = None,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """nn.BCEWithLogitsLoss: pos_weight * y * softplus(-x) + (1 - y) * softplus(x), stable for any logit."""
    pw = 1.0 if pos_weight is None else pos_weight
    loss = pw * y * softplus_stable(-x) + (1.0 - y) * softplus_stable(x)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def sigmoid_focal_loss(
    x: torch.Tensor, y: torch.Tensor, *, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"
) -> torch.Tensor:
    """torchvision.ops.sigmoid_focal_loss: alpha_t (1 - p_t)^gamma * BCE. alpha < 0 turns alpha off; gamma = 0 is
    alpha-weighted BCE. gamma down-weights easy examples; alpha rebalances classes: two independent knobs."""
    p = torch.sigmoid(x)
    ce = bce_with_logits(x, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return _reduce(loss, reduction)


def mse(pred: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    return _reduce((pred - target) ** 2, reduction)


def mae(pred: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    return _reduce((pred - target).abs(), reduction)


def huber(pred: torch.Tensor, target: torch.Tensor, *, delta: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    """nn.HuberLoss: quadratic inside |r| <= delta, linear (slope delta) outside."""
    r = (pred - target).abs()
    return _reduce(torch.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)), reduction)


def smooth_l1(pred: torch.Tensor, target: torch.Tensor, *, beta: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    """nn.SmoothL1Loss = Huber(delta=beta) / beta; equal to Huber only at beta = 1 (M4)."""
    if beta == 0:
        return mae(pred, target, reduction=reduction)
    return huber(pred, target, delta=beta, reduction=reduction) / beta


def balanced_class_weights(y: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """sklearn compute_class_weight('balanced'): n_samples / (n_classes * count_c). Needs every class present."""
    y = np.asarray(y)
    k = int(y.max()) + 1 if n_classes is None else n_classes
    counts = np.bincount(y, minlength=k)
    if np.any(counts == 0):
        raise ValueError(f"class(es) {np.flatnonzero(counts == 0).tolist()} have no samples; weights are undefined")
    return len(y) / (k * counts.astype(np.float64))


def soft_dice_loss(p: torch.Tensor, g: torch.Tensor, *, eps: float = 1.0) -> torch.Tensor:
    """1 - (2 sum(p g) + eps) / (sum p + sum g + eps), per example over all non-batch dims, then averaged.

    eps keeps near-empty masks stable: an empty prediction of an empty mask scores 0, not 0/0.
    """
    dims = tuple(range(1, p.dim()))
    inter = (p * g).sum(dims)  # (B,)
    return (1 - (2 * inter + eps) / (p.sum(dims) + g.sum(dims) + eps)).mean()


def triplet_loss(
    anchor: torch.Tensor,
    positive: torch.Tensor,
    negative: torch.Tensor,
    *,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> torch.Tensor:
    """nn.TripletMarginLoss: max(d(a, p) - d(a, n) + margin, 0) with torch's d(x, y) = ||x - y + eps||_p.
    Easy negatives (already beyond the margin) give exactly zero gradient, hence hard-negative mining."""

    def dist(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return ((a - b + eps).abs() ** p).sum(-1) ** (1.0 / p)  # (N,)

    return _reduce(torch.clamp(dist(anchor, positive) - dist(anchor, negative) + margin, min=0), reduction)


def info_nce(q: torch.Tensor, k: torch.Tensor, *, tau: float = 0.07, normalize: bool = True) -> torch.Tensor:
    """InfoNCE / NT-Xent (one direction): row i of q must pick key i among the N keys. (N, D), (N, D) -> scalar."""
    if normalize:
        q = q / q.norm(dim=-1, keepdim=True)
        k = k / k.norm(dim=-1, keepdim=True)
    logits = q @ k.T / tau  # (N, N)
    return cross_entropy(logits, torch.arange(q.shape[0]))


def alignment(x: torch.Tensor, y: torch.Tensor, *, alpha: float = 2.0) -> torch.Tensor:
    """Wang & Isola (2020) alignment: E ||f(x) - f(y)||^alpha over positive pairs (rows of x, y). Lower = aligned."""
    return (x - y).norm(dim=1).pow(alpha).mean()


def uniformity(x: torch.Tensor, *, t: float = 2.0) -> torch.Tensor:
    """Wang & Isola (2020) uniformity: log E exp(-t ||f(x_i) - f(x_j)||^2) over distinct pairs i != j. Lower = more
    uniform on the sphere. For unit vectors ||a - b||^2 = 2 - 2 a.b, so the Gram matrix suffices."""
    n = x.shape[0]
    sq = (2 - 2 * x @ x.T).clamp_min(0)  # (N, N) squared distances of unit vectors
    off = ~torch.eye(n, dtype=torch.bool, device=x.device)
    return torch.logsumexp(-t * sq[off], dim=0) - math.log(n * (n - 1))


def kl(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """KL(p || q) = sum p (log p - log q) per row, averaged over rows ('batchmean'). Probabilities in, 0 log 0 = 0.

    Equals F.kl_div(q.log(), p, reduction='batchmean'): note the swapped order and log-probabilities (M6).
    """
    terms = torch.where(p > 0, p * (torch.log(torch.where(p > 0, p, 1.0)) - torch.log(q)), 0.0)
    return terms.sum() / p.shape[0]


def kd_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    y: torch.Tensor,
    *,
    T: float = 2.0,
    alpha: float = 0.5,
) -> torch.Tensor:
    """alpha * T^2 * KL(p_t^T || p_s^T) + (1 - alpha) * CE(s, y). Convention: alpha weights the soft term (M5).

    The T^2 restores the soft-target gradient scale, which otherwise shrinks as 1/T^2.
    """
    log_ps = log_softmax_torch(student_logits / T, dim=-1)  # (N, C)
    log_pt = log_softmax_torch(teacher_logits / T, dim=-1)  # (N, C)
    soft = (log_pt.exp() * (log_pt - log_ps)).sum() / student_logits.shape[0]
    return alpha * T**2 * soft + (1 - alpha) * cross_entropy(student_logits, y)


HEADS: dict[str, tuple[str, str]] = {
    "regression": ("identity", "mse"),
    "robust-regression": ("identity", "huber"),
    "binary": ("sigmoid", "bce_with_logits"),
    "multi-label": ("sigmoid", "bce_with_logits"),
    "multi-class": ("softmax", "cross_entropy"),
    "segmentation": ("softmax", "cross_entropy+dice"),
}


def head_for(task: str) -> tuple[str, str]:
    """(output activation, loss) for a task. The loss takes the pre-activation logits; the activation is for
    reading out probabilities only."""
    if task not in HEADS:
        raise ValueError(f"unknown task {task!r}; expected one of {sorted(HEADS)}")
    return HEADS[task]


# --- hand-written softmax + CE (forward -> (out, cache), backward(dout, cache)) ------------------------------------


def softmax_ce_forward(logits: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, tuple]:
    """Mean cross-entropy of logits (N, C) without autograd; the cache holds what backward needs."""
    lse = logsumexp_torch(logits, dim=-1)  # (N,)
    loss = (lse - logits.gather(1, y[:, None]).squeeze(1)).mean()
    return loss, (logits, y, lse)


def softmax_ce_backward(dout: torch.Tensor, cache: tuple) -> torch.Tensor:
    """dL/dlogits = dout * (softmax(z) - onehot(y)) / N."""
    logits, y, lse = cache
    dlogits = torch.exp(logits - lse[:, None])  # (N, C) = softmax
    dlogits[torch.arange(len(y)), y] -= 1
    return dlogits * dout / logits.shape[0]


# --- CTC -----------------------------------------------------------------------------------------------------------


def ctc_forward(log_probs: torch.Tensor, target: list[int] | torch.Tensor, *, blank: int = 0) -> torch.Tensor:
    """-log p(target | x) for one sequence by the CTC forward (alpha) recursion in log space (Graves et al., 2006).

    log_probs: (T, V) log-softmax outputs. The target is extended with blanks, l' = [b, y1, b, y2, ..., b]; a skip
    from s-2 to s is allowed unless l'[s] is blank or repeats l'[s-2] (repeats need a blank in between).
    Equals nn.CTCLoss(reduction='sum') for a batch of one.
    """
    tgt = [int(t) for t in target]
    ext = [blank]
    for t in tgt:
        ext += [t, blank]
    t_len, s_len = log_probs.shape[0], len(ext)
    neg_inf = torch.tensor(-math.inf, dtype=log_probs.dtype)
    alpha = [neg_inf] * s_len
    alpha[0] = log_probs[0, ext[0]]
    if s_len > 1:
        alpha[1] = log_probs[0, ext[1]]
    for t in range(1, t_len):
        new = []
        for s in range(s_len):
            terms = [alpha[s]] + ([alpha[s - 1]] if s >= 1 else [])
            if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                terms.append(alpha[s - 2])
            new.append(_lse(terms) + log_probs[t, ext[s]])
        alpha = new
    return -_lse(alpha[-2:] if s_len > 1 else alpha[-1:])


def _lse(terms: list[torch.Tensor]) -> torch.Tensor:
    stacked = torch.stack(terms)
    if torch.isinf(stacked).all():
        return stacked[0]
    return torch.logsumexp(stacked, dim=0)


def batch_hard_triplet_loss(emb: torch.Tensor, labels: torch.Tensor, *, margin: float = 0.2) -> torch.Tensor:
    """Batch-hard mining (Hermans et al., 2017): for each anchor, its farthest positive and nearest negative in the
    batch. Easy negatives contribute nothing, so mining the hardest keeps the gradient alive. (N, D), (N,)."""
    d = torch.cdist(emb, emb)  # (N, N)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    hardest_pos = torch.where(same & ~eye, d, torch.zeros_like(d)).amax(1)  # (N,)
    hardest_neg = torch.where(~same, d, torch.full_like(d, math.inf)).amin(1)  # (N,)
    return torch.clamp(hardest_pos - hardest_neg + margin, min=0).mean()


def batch_hard_triplet_mining(
    emb: torch.Tensor, labels: torch.Tensor, *, margin: float = 0.2
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """batch_hard_triplet_loss with the mined pairs: (loss, hardest positive index (N,), hardest negative index (N,)).
    Needs every label at least twice and at least two labels (else an anchor has no positive or no negative)."""
    counts = torch.unique(labels, return_counts=True)[1]
    if len(counts) < 2 or bool((counts < 2).any()):
        raise ValueError("every label needs at least two examples, and there must be at least two labels")
    d = torch.cdist(emb, emb)  # (N, N)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    pos_d, pos_i = torch.where(same & ~eye, d, torch.full_like(d, -math.inf)).max(1)
    neg_d, neg_i = torch.where(~same, d, torch.full_like(d, math.inf)).min(1)
    return torch.clamp(pos_d - neg_d + margin, min=0).mean(), pos_i, neg_i


def loss_vs_margin(m: torch.Tensor, *, gammas: tuple[float, ...] = (0.0, 1.0, 2.0, 5.0)) -> dict[str, torch.Tensor]:
    """Binary losses as functions of the true-class margin m (the logit of the right class), and their d/dm:
    CE = softplus(-m); focal_g = (1 - p)^g CE with p = sigmoid(m); MSE on probabilities = (1 - p)^2;
    hinge = max(0, 1 - m). Keys 'ce', 'focal_<g>', 'mse_prob', 'hinge' and the same with a 'd_' prefix.

    The point of the figure: as m -> -inf (confidently wrong) d CE/dm -> -1, while d MSE_prob/dm -> 0."""
    p = torch.sigmoid(m)
    ce = softplus_stable(-m)
    out = {"ce": ce, "d_ce": p - 1, "mse_prob": (1 - p) ** 2, "d_mse_prob": -2 * (1 - p) * p * (1 - p)}
    out["hinge"] = torch.clamp(1 - m, min=0)
    out["d_hinge"] = torch.where(m < 1, -torch.ones_like(m), torch.zeros_like(m))
    for g in gammas:
        q = 1 - p  # dq/dm = -p (1 - p)
        out[f"focal_{g:g}"] = q**g * ce
        out[f"d_focal_{g:g}"] = -g * q ** max(g - 1, 0) * p * q * ce + q**g * (p - 1)
    return out
