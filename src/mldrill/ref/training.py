"""The training loop and its tools: clipping, accumulation, loss scaling, mixed precision, early stopping, probes.

clip by norm   g <- g * min(1, tau / (||g||_total + 1e-6)): one global factor, so the direction is preserved;
               returns the *pre-clip* norm (log it every step). Clip by value clamps each entry: direction changes.
accumulation   k micro-batches of mean loss, each scaled by n_i / N (= 1/k when even), sum to the full-batch gradient
               (not with BatchNorm, whose statistics are per micro-batch). Forgetting 1/k multiplies the LR by k.
loss scaling   fp16 grads underflow below 6e-8: multiply the loss by S, unscale the grads before clipping and
               stepping; on inf/NaN skip the step and S *= 0.5; after `growth_interval` clean steps S *= 2
               (torch.amp.GradScaler defaults: S0 = 2^16, growth 2, backoff 0.5, interval 2000).
bf16 autocast  bf16 has fp32's exponent range (no scaler needed) but an 8-bit significand; keep fp32 master weights.
initial loss   ln C for C balanced classes (prior entropy with log-prior output bias).
z-loss         lambda * logsumexp(z)^2 (PaLM) keeps the softmax normalizer near 1.

Probes: `layer_stats` (activation mean/std per layer via forward hooks), `grad_norms_per_layer`, `dead_fraction`
(units that are zero for *every* input; per-example sparsity is healthy). Tested in tests/ref/test_training.py against
torch.nn.utils.clip_grad_*, torch.amp.GradScaler, torch.finfo, torch.optim.swa_utils.AveragedModel.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

Batch = tuple[torch.Tensor, torch.Tensor]
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _grads(params: Iterable[torch.Tensor]) -> list[torch.Tensor]:
    return [p.grad for p in params if p.grad is not None]


@torch.no_grad()
def clip_grad_norm(params: Iterable[torch.Tensor], max_norm: float, norm_type: float = 2.0) -> torch.Tensor:
    """Scale all grads by one factor so the global norm is <= max_norm; returns the norm before clipping."""
    return clip_grad_norm_tensors(_grads(params), max_norm, norm_type)


@torch.no_grad()
def clip_grad_norm_tensors(grads: list[torch.Tensor], max_norm: float, norm_type: float = 2.0) -> torch.Tensor:
    """clip_grad_norm on the gradient tensors themselves (scaled in place); returns the norm before clipping."""
    if not grads:
        return torch.tensor(0.0)
    if math.isinf(norm_type):
        total = torch.stack([g.abs().max() for g in grads]).max()
    else:
        total = torch.stack([g.norm(norm_type) for g in grads]).norm(norm_type)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in grads:
        g.mul_(coef)
    return total


@torch.no_grad()
def clip_grad_value(params: Iterable[torch.Tensor], clip_value: float) -> None:
    for g in _grads(params):
        g.clamp_(-clip_value, clip_value)


def global_grad_norm(params: Iterable[torch.Tensor]) -> float:
    return float(torch.sqrt(sum(((g.detach().double() ** 2).sum() for g in _grads(params)), torch.tensor(0.0))))


def train_step(model: nn.Module, batch: Batch, loss_fn: LossFn, optimizer: torch.optim.Optimizer,
               *, clip: float | None = None) -> tuple[float, float]:  # fmt: skip
    """forward -> loss -> backward -> clip -> step -> zero_grad. Returns (loss, pre-clip grad norm)."""
    x, y = batch
    loss = loss_fn(model(x), y)
    loss.backward()
    norm = float(clip_grad_norm(model.parameters(), clip)) if clip is not None else global_grad_norm(model.parameters())
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return float(loss.detach()), norm


def accumulate(model: nn.Module, loss_fn: LossFn, micro_batches: Sequence[Batch]) -> float:
    """Backward over micro-batches, weighting each mean loss by n_i / N, so .grad equals the full-batch gradient.
    Returns the full-batch mean loss. Call optimizer.step() afterwards."""
    total = sum(len(x) for x, _ in micro_batches)
    out = 0.0
    for x, y in micro_batches:
        loss = loss_fn(model(x), y) * (len(x) / total)
        loss.backward()
        out += float(loss.detach())
    return out


def accumulated_lm_grads(
    weight: torch.Tensor, micro_batches: Sequence[Batch], *, ignore_index: int = -100
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient accumulation for a token-level loss: the cross-entropy of a linear LM head (logits = x W^T) averaged
    over every real token of the whole batch, one backward per micro-batch. Each micro-batch contributes its SUMMED
    token loss divided by the batch's total number of real tokens (labels != ignore_index), so uneven micro-batches
    and padding give exactly the full-batch mean; mean-per-micro-batch / k does not. Returns (loss, dloss/dW)."""
    w = weight.detach().clone().requires_grad_()
    n_tokens = sum(int((y != ignore_index).sum()) for _, y in micro_batches)
    total = torch.zeros((), dtype=w.dtype)
    for x, y in micro_batches:
        logits = x @ w.T  # (B, T, V)
        loss_sum = F.cross_entropy(logits.reshape(-1, w.shape[0]), y.reshape(-1), ignore_index=ignore_index,
                                   reduction="sum")  # fmt: skip
        (loss_sum / n_tokens).backward()  # grads add up in w.grad across micro-batches
        total += loss_sum.detach() / n_tokens
    assert w.grad is not None  # set by the backward calls above (an empty batch list has no gradient)
    return total, w.grad


class LossScaler:
    """Dynamic loss scaling with the semantics of torch.amp.GradScaler (per optimizer, single step per update)."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000):  # fmt: skip
        self.scale_value, self.growth, self.backoff, self.interval = (
            init_scale,
            growth_factor,
            backoff_factor,
            growth_interval,
        )
        self.growth_tracker = 0
        self.found_inf = False
        self._unscaled = False

    def scale(self, loss: torch.Tensor) -> torch.Tensor:
        return loss * self.scale_value

    @torch.no_grad()
    def unscale_(self, optimizer: torch.optim.Optimizer) -> None:
        """Divide every grad by the scale (do this before clipping) and record whether any is inf/NaN."""
        if self._unscaled:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update()")
        inv = 1.0 / self.scale_value
        self.found_inf = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.grad.mul_(inv)
                    self.found_inf |= not bool(torch.isfinite(p.grad).all())
        self._unscaled = True

    def step(self, optimizer: torch.optim.Optimizer) -> bool:
        """Unscale if not done yet; step only if every grad is finite. Returns whether the step was taken."""
        if not self._unscaled:
            self.unscale_(optimizer)
        if self.found_inf:
            return False
        optimizer.step()
        return True

    def update(self) -> None:
        if self.found_inf:
            self.scale_value *= self.backoff
            self.growth_tracker = 0
        else:
            self.growth_tracker += 1
            if self.growth_tracker == self.interval:
                self.scale_value *= self.growth
                self.growth_tracker = 0
        self._unscaled = False
        self.found_inf = False


def loss_scaler_step(
    grads: Sequence[torch.Tensor], scale: float, growth_tracker: int, *, max_norm: float,
    growth_factor: float = 2.0, backoff_factor: float = 0.5, growth_interval: int = 2000,
) -> tuple[list[torch.Tensor] | None, float, int]:  # fmt: skip
    """One step of dynamic loss scaling as a pure function: what GradScaler.unscale_, clip_grad_norm_,
    GradScaler.step and GradScaler.update do, on the gradients of the SCALED loss.

    Returns (grads for the optimizer, new scale, new growth tracker); the grads are None when the step is skipped
    (an inf or NaN after unscaling: scale *= backoff_factor, tracker = 0). Otherwise the grads are unscaled, then
    clipped to max_norm by their global norm, and the tracker counts the clean step; at growth_interval clean steps
    in a row the scale grows by growth_factor and the tracker restarts at 0.
    """
    unscaled = [g / scale for g in grads]  # unscale first: clipping the scaled grads would clip at max_norm * scale
    if not all(bool(torch.isfinite(g).all()) for g in unscaled):
        return None, scale * backoff_factor, 0
    clip_grad_norm_tensors(unscaled, max_norm)
    tracker = growth_tracker + 1
    if tracker == growth_interval:
        return unscaled, scale * growth_factor, 0
    return unscaled, scale, tracker


def mixed_precision_step(model: nn.Module, batch: Batch, loss_fn: LossFn, optimizer: torch.optim.Optimizer,
                         *, dtype: torch.dtype = torch.bfloat16, device_type: str = "cpu") -> float:  # fmt: skip
    """One autocast training step: matmuls run in `dtype`, the loss is computed in fp32, the weights (master copy)
    and the optimizer state stay fp32."""
    x, y = batch
    with torch.autocast(device_type=device_type, dtype=dtype):
        out = model(x)
    loss = loss_fn(out.float(), y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return float(loss.detach())


def float_facts(exponent_bits: int, mantissa_bits: int) -> dict[str, float]:
    """IEEE-style format facts from its bit layout: fp16 = (5, 10), bf16 = (8, 7), fp32 = (8, 23)."""
    bias = 2 ** (exponent_bits - 1) - 1
    return {
        "bits": 1 + exponent_bits + mantissa_bits,
        "max": (2 - 2.0**-mantissa_bits) * 2.0**bias,
        "tiny": 2.0 ** (1 - bias),  # smallest normal
        "smallest_subnormal": 2.0 ** (1 - bias - mantissa_bits),
        "eps": 2.0**-mantissa_bits,
    }


FORMATS = {torch.float16: (5, 10), torch.bfloat16: (8, 7), torch.float32: (8, 23), torch.float64: (11, 52)}


def underflow_fraction(x: torch.Tensor, dtype: torch.dtype) -> float:
    """Fraction of nonzero values that become 0 when cast to dtype (fp16 gradients without loss scaling)."""
    nz = x != 0
    return float(((x.to(dtype) == 0) & nz).sum() / nz.sum().clamp(min=1))


class EarlyStopping:
    """Stop after `patience` checks without an improvement larger than `min_delta`; optionally restore the best
    weights (not the last ones) into the model."""

    def __init__(self, patience: int = 5, min_delta: float = 0.0, restore_best: bool = True, mode: str = "min"):
        self.patience, self.min_delta, self.restore_best, self.mode = patience, min_delta, restore_best, mode
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = -1
        self.bad_epochs = 0
        self.epoch = -1
        self.best_state: dict[str, Any] | None = None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, value: float, model: nn.Module | None = None) -> bool:
        """Record one validation value; returns True when training should stop."""
        self.epoch += 1
        if self._improved(value):
            self.best, self.best_epoch, self.bad_epochs = value, self.epoch, 0
            if model is not None:
                self.best_state = copy.deepcopy(model.state_dict())
            return False
        self.bad_epochs += 1
        stop = self.bad_epochs >= self.patience
        if stop and self.restore_best and model is not None and self.best_state is not None:
            model.load_state_dict(self.best_state)
        return stop


def checkpointed(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """Activation checkpointing: recompute fn's activations in backward instead of storing them."""
    from torch.utils.checkpoint import checkpoint

    def wrapper(*args: torch.Tensor) -> torch.Tensor:
        return checkpoint(fn, *args, use_reentrant=False)

    return wrapper


def overfit_one_batch(model: nn.Module, batch: Batch, loss_fn: LossFn, *, steps: int = 200,
                      lr: float = 1e-2) -> list[float]:  # fmt: skip
    """Train on a single batch; a correct model and loop drive the loss to ~0. Dropout is switched off (eval)."""
    model.eval()  # no dropout / augmentation noise; BN uses running stats
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    return [train_step(model, batch, loss_fn, opt)[0] for _ in range(steps)]


def expected_init_loss(n_classes: int, priors: Sequence[float] | None = None) -> float:
    """ln C for uniform predictions; the prior entropy when the output bias holds the log priors."""
    if priors is None:
        return math.log(n_classes)
    return -sum(p * math.log(p) for p in priors if p > 0)


def assert_finite(tensors: dict[str, torch.Tensor], where: str = "") -> None:
    for name, t in tensors.items():
        if not torch.isfinite(t).all():
            bad = (~torch.isfinite(t)).nonzero()[0].tolist()
            raise FloatingPointError(f"{where}: {name} has {int((~torch.isfinite(t)).sum())} non-finite values, "
                                     f"first at index {bad}: {t[tuple(bad)].item()}")  # fmt: skip


def z_loss(logits: torch.Tensor, lam: float = 1e-4) -> torch.Tensor:
    return lam * (torch.logsumexp(logits, dim=-1) ** 2).mean()


@torch.no_grad()
def ema_update(ema: nn.Module, model: nn.Module, decay: float) -> None:
    """ema <- decay * ema + (1 - decay) * model for parameters; buffers (BN statistics) are copied."""
    for pe, pm in zip(ema.parameters(), model.parameters(), strict=True):
        pe.mul_(decay).add_(pm, alpha=1 - decay)
    for be, bm in zip(ema.buffers(), model.buffers(), strict=True):
        be.copy_(bm)


def set_determinism(seed: int, *, deterministic_algorithms: bool = False) -> None:
    """Seed Python, NumPy and torch; optionally require deterministic kernels (a process-wide switch)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if deterministic_algorithms:
        torch.use_deterministic_algorithms(True)


# --- probes --------------------------------------------------------------------------------------------------------


@torch.no_grad()
def layer_stats(
    model: nn.Module, x: torch.Tensor, types: tuple[type, ...] = (nn.Linear, nn.Conv2d)
) -> list[dict[str, Any]]:
    """Mean and std of every `types` module's output for input x, in forward order (forward hooks, then removed)."""
    stats: list[dict[str, Any]] = []
    handles = []
    for name, m in model.named_modules():
        if isinstance(m, types) and isinstance(m, nn.Module):

            def hook(mod: nn.Module, inp: Any, out: torch.Tensor, name: str = name) -> None:
                stats.append({"name": name, "mean": float(out.mean()), "std": float(out.std())})

            handles.append(m.register_forward_hook(hook))
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return stats


def grad_norms_per_layer(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: LossFn) -> dict[str, float]:
    """L2 norm of each weight's gradient for one batch (vanishing: tiny near the input; exploding: huge)."""
    model.zero_grad(set_to_none=True)
    loss_fn(model(x), y).backward()
    out = {n: float(p.grad.norm()) for n, p in model.named_parameters() if p.grad is not None and n.endswith("weight")}
    model.zero_grad(set_to_none=True)
    return out


@torch.no_grad()
def dead_fraction(model: nn.Module, inputs: Iterable[torch.Tensor]) -> dict[str, float]:
    """Per ReLU module: the fraction of units whose output is 0 for *every* input seen."""
    alive: dict[str, torch.Tensor] = {}
    handles = []
    for name, m in model.named_modules():
        if isinstance(m, nn.ReLU):

            def hook(mod: nn.Module, inp: Any, out: torch.Tensor, name: str = name) -> None:
                fired = (out > 0).reshape(-1, out.shape[-1]).any(0)  # (units,)
                alive[name] = alive[name] | fired if name in alive else fired

            handles.append(m.register_forward_hook(hook))
    try:
        for x in inputs:
            model(x)
    finally:
        for h in handles:
            h.remove()
    return {n: 1.0 - float(a.float().mean()) for n, a in alive.items()}


def successive_halving(configs: Sequence[Any], evaluate: Callable[[Any, float], float], *, min_budget: float = 1.0,
                       eta: int = 3) -> tuple[Any, list[int]]:  # fmt: skip
    """Evaluate all configs at min_budget, keep the best 1/eta, multiply the budget by eta, repeat until one is left.
    Lower score is better. Returns (best config, number of survivors entering each rung)."""
    alive, budget, rungs = list(configs), min_budget, []
    while len(alive) > 1:
        rungs.append(len(alive))
        scores = [evaluate(c, budget) for c in alive]
        order = sorted(range(len(alive)), key=lambda i: scores[i])
        alive = [alive[i] for i in order[: max(1, len(alive) // eta)]]
        budget *= eta
    rungs.append(len(alive))
    return alive[0], rungs


def random_search(space: dict[str, tuple[float, float, str]], n: int, *, seed: int) -> list[dict[str, float]]:
    """n configs drawn independently per dimension: (lo, hi, 'log') samples log-uniformly (use it for the LR),
    (lo, hi, 'linear') uniformly. Unlike a grid, every trial tries a new value of every dimension."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        cfg = {}
        for name, (lo, hi, scale) in space.items():
            if scale == "log":
                cfg[name] = float(math.exp(rng.uniform(math.log(lo), math.log(hi))))
            elif scale == "linear":
                cfg[name] = float(rng.uniform(lo, hi))
            else:
                raise ValueError(f"{name}: scale must be 'log' or 'linear', got {scale!r}")
        out.append(cfg)
    return out


def input_independent_baseline(fit_eval: Callable[[torch.Tensor, torch.Tensor], float], x: torch.Tensor,
                               y: torch.Tensor) -> dict[str, float]:  # fmt: skip
    """Score of the same training recipe on real inputs vs zeroed inputs: if zeros score as well, the model is not
    using its input (a leak through labels/ordering, or majority-class exploitation)."""
    return {"real": fit_eval(x, y), "zeroed": fit_eval(torch.zeros_like(x), y)}


def amp_train_step(model: nn.Module, batch: Batch, loss_fn: LossFn, optimizer: torch.optim.Optimizer,
                   scaler: LossScaler, *, clip: float | None = None, dtype: torch.dtype = torch.float16,
                   device_type: str = "cpu") -> tuple[float, bool]:  # fmt: skip
    """fp16 step: autocast forward, scaled backward, unscale_ *then* clip, step unless inf/NaN, update the scale.
    Returns (loss, whether the optimizer stepped)."""
    x, y = batch
    with torch.autocast(device_type=device_type, dtype=dtype):
        out = model(x)
    loss = loss_fn(out.float(), y)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    if clip is not None:
        clip_grad_norm(model.parameters(), clip)
    stepped = scaler.step(optimizer)
    scaler.update()
    optimizer.zero_grad(set_to_none=True)
    return float(loss.detach()), stepped
