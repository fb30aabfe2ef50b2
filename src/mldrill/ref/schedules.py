"""Learning-rate schedules as pure functions of the step count: lr = f(step).

step:         lr * gamma^(step // step_size);  multistep: gamma^(number of milestones <= step)
exponential:  lr * gamma^step
cosine:       eta_min + (lr - eta_min) (1 + cos(pi step / T_max)) / 2           (Loshchilov & Hutter, 2017)
warmup:       peak * step / warmup for step < warmup (step 0 gives lr 0: the optimizer's first update is wasted
              unless you count from 1, the classic off-by-one), then constant
warmup+cosine (HF get_cosine_schedule_with_warmup): linear 0 -> peak, then cosine peak -> min_lr at total_steps
warmup+linear (HF get_linear_schedule_with_warmup)
one-cycle:    (Smith & Topin, 2018) torch.optim.lr_scheduler.OneCycleLR: initial = max_lr / div_factor, anneal to
              max_lr until step pct_start * total - 1, then to initial / final_div_factor at total - 1
noam:         d_model^-0.5 min(step^-0.5, step warmup^-1.5)                       (Vaswani et al., 2017)
inverse_sqrt: HF get_inverse_sqrt_schedule: linear warmup, then lr / sqrt((step + shift) / timescale)

Traps: cosine needs the total step count up front; a schedule that ends too early plateaus early; step the
scheduler per batch or per epoch consistently with how T was counted. Tested against torch.optim.lr_scheduler and
transformers' schedule functions (tests/ref/test_schedules.py).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence


def step_lr(step: int, *, lr: float, step_size: int, gamma: float = 0.1) -> float:
    return lr * gamma ** (step // step_size)


def multistep_lr(step: int, *, lr: float, milestones: Sequence[int], gamma: float = 0.1) -> float:
    return lr * gamma ** bisect.bisect_right(sorted(milestones), step)


def exponential_lr(step: int, *, lr: float, gamma: float) -> float:
    return lr * gamma**step


def cosine_lr(step: int, *, lr: float, T_max: int, eta_min: float = 0.0) -> float:
    """CosineAnnealingLR's closed form for 0 <= step <= T_max (torch continues the cosine periodically beyond)."""
    return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * step / T_max)) / 2


def warmup_lr(step: int, *, warmup: int, peak: float) -> float:
    """Linear warmup from 0 at step 0 to `peak` at step `warmup`, constant after."""
    return peak * min(1.0, step / max(1, warmup))


def linear_with_warmup(step: int, *, peak: float, warmup: int, total: int) -> float:
    if step < warmup:
        return peak * step / max(1, warmup)
    return peak * max(0.0, (total - step) / max(1, total - warmup))


def cosine_with_warmup(step: int, *, peak: float, warmup: int, total: int, min_lr: float = 0.0) -> float:
    """Linear warmup to `peak`, then half a cosine down to `min_lr` at `total` (held there after)."""
    if step < warmup:
        return peak * step / max(1, warmup)
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_lr + (peak - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def one_cycle(
    step: int,
    *,
    max_lr: float,
    total_steps: int,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    anneal: str = "cos",
) -> float:
    """Two-phase OneCycleLR (three_phase=False) in torch's step convention."""
    initial = max_lr / div_factor
    final = initial / final_div_factor
    end_up = pct_start * total_steps - 1  # last step of the rising phase (a float, as in torch)
    if step <= end_up:
        start_lr, end_lr, pct = initial, max_lr, step / end_up
    else:
        start_lr, end_lr, pct = max_lr, final, (step - end_up) / (total_steps - 1 - end_up)
    if anneal == "cos":
        return end_lr + (start_lr - end_lr) / 2 * (math.cos(math.pi * pct) + 1)
    if anneal == "linear":
        return start_lr + (end_lr - start_lr) * pct
    raise ValueError(f"anneal must be 'cos' or 'linear', got {anneal!r}")


def noam(step: int, *, d_model: int, warmup: int, factor: float = 1.0) -> float:
    """'Attention is all you need' schedule; peaks at step = warmup with d_model^-0.5 warmup^-0.5. Counts from 1."""
    step = max(step, 1)
    return factor * d_model**-0.5 * min(step**-0.5, step * warmup**-1.5)


def inverse_sqrt(step: int, *, lr: float, warmup: int, timescale: int | None = None) -> float:
    """HF get_inverse_sqrt_schedule times lr: linear warmup, then lr / sqrt((step + shift) / timescale)."""
    timescale = timescale or (warmup or 10_000)
    if step < warmup:
        return lr * step / max(1, warmup)
    shift = timescale - warmup
    return lr / math.sqrt((step + shift) / timescale)


def cosine_warm_restarts(step: int, *, lr: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0) -> float:
    """SGDR (CosineAnnealingWarmRestarts): cosine over a cycle of T_i steps, then jump back to lr; T_i *= T_mult."""
    t_cur, t_i = step, T_0
    while t_cur >= t_i:
        t_cur -= t_i
        t_i *= T_mult
    return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


class ReduceOnPlateau:
    """ReduceLROnPlateau (mode 'min', relative threshold): after more than `patience` checks without the metric
    beating best * (1 - threshold), multiply the lr by `factor` (not below min_lr), then wait `cooldown` checks."""

    def __init__(self, lr: float, *, factor: float = 0.1, patience: int = 10, threshold: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0.0, eps: float = 1e-8):  # fmt: skip
        if factor >= 1.0:
            raise ValueError("factor must be < 1")
        self.lr, self.factor, self.patience, self.threshold = lr, factor, patience, threshold
        self.cooldown, self.min_lr, self.eps = cooldown, min_lr, eps
        self.best = math.inf
        self.num_bad = 0
        self.cooldown_counter = 0

    def step(self, metric: float) -> float:
        if metric < self.best * (1 - self.threshold):
            self.best, self.num_bad = metric, 0
        else:
            self.num_bad += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad = 0  # bad checks during cooldown do not count
        if self.num_bad > self.patience:
            new = max(self.lr * self.factor, self.min_lr)
            if self.lr - new > self.eps:
                self.lr = new
            self.cooldown_counter, self.num_bad = self.cooldown, 0
        return self.lr
