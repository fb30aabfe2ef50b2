"""Optimizers as step functions and as torch.optim-compatible classes, in PyTorch's exact conventions.

SGD       g <- g + wd p;  v <- mu v + (1 - dampening) g  (v <- g on the first step);  p <- p - lr v
          Nesterov: p <- p - lr (g + mu v).  No (1 - mu) factor on g: the steady-state step is lr g / (1 - mu) (M12).
Adagrad   s <- s + g^2;  p <- p - lr_t g / (sqrt(s) + eps), lr_t = lr / (1 + (t - 1) lr_decay)   (Duchi et al., 2011)
          s never decays, so the effective LR goes to 0.
RMSprop   v <- alpha v + (1 - alpha) g^2, alpha = 0.99;  p <- p - lr g / (sqrt(v) + eps): eps *outside* the sqrt
          (M13). centered: v - mean(g)^2 under the sqrt; momentum: b <- mu b + g / denom.
Adam      m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
          p <- p - lr m_hat / (sqrt(v_hat) + eps)            (Kingma & Ba, 2015).  weight_decay adds wd p to g (L2).
AdamW     p <- p (1 - lr wd) first, then the Adam step without L2 (Loshchilov & Hutter, 2019).  The decay is
          scaled by the (scheduled) lr (M14) and is *not* divided by sqrt(v_hat), unlike L2 under Adam.
Lion      u = sign(b1 m + (1 - b1) g);  p <- p (1 - lr wd) - lr u;  m <- b2 m + (1 - b2) g   (Chen et al., 2023)

Traps: Adam without bias correction takes tiny first steps (m_0 = 0); L2 != decoupled decay under Adam; a single
global weight_decay also decays biases and norm gains (`param_groups`).  torch has no Lion: it is checked against
its defining properties.  Tested step by step against torch.optim (tests/ref/test_optim.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import nn

State = dict[str, Any]


def sgd_step(
    p: torch.Tensor,
    g: torch.Tensor,
    state: State,
    *,
    lr: float,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
) -> None:
    """One in-place SGD update of p; `state` holds the momentum buffer."""
    if weight_decay:
        g = g + weight_decay * p
    if momentum:
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = g.clone()
        else:
            state["momentum_buffer"].mul_(momentum).add_(g, alpha=1 - dampening)
        buf = state["momentum_buffer"]
        g = g + momentum * buf if nesterov else buf
    p.add_(g, alpha=-lr)


def adagrad_step(
    p: torch.Tensor,
    g: torch.Tensor,
    state: State,
    *,
    lr: float = 1e-2,
    lr_decay: float = 0.0,
    weight_decay: float = 0.0,
    eps: float = 1e-10,
    initial_accumulator_value: float = 0.0,
) -> None:
    state.setdefault("step", 0)
    state.setdefault("sum", torch.full_like(p, initial_accumulator_value))
    state["step"] += 1
    if weight_decay:
        g = g + weight_decay * p
    clr = lr / (1 + (state["step"] - 1) * lr_decay)
    state["sum"].addcmul_(g, g)
    p.addcdiv_(g, state["sum"].sqrt() + eps, value=-clr)


def rmsprop_step(
    p: torch.Tensor,
    g: torch.Tensor,
    state: State,
    *,
    lr: float = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
) -> None:
    state.setdefault("square_avg", torch.zeros_like(p))
    if weight_decay:
        g = g + weight_decay * p
    sq = state["square_avg"]
    sq.mul_(alpha).addcmul_(g, g, value=1 - alpha)
    if centered:
        ga = state.setdefault("grad_avg", torch.zeros_like(p))
        ga.mul_(alpha).add_(g, alpha=1 - alpha)
        denom = (sq - ga * ga).sqrt() + eps
    else:
        denom = sq.sqrt() + eps  # eps outside the sqrt (M13)
    if momentum > 0:
        buf = state.setdefault("momentum_buffer", torch.zeros_like(p))
        buf.mul_(momentum).addcdiv_(g, denom)
        p.add_(buf, alpha=-lr)
    else:
        p.addcdiv_(g, denom, value=-lr)


def adam_step(
    p: torch.Tensor,
    g: torch.Tensor,
    state: State,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled: bool = False,
    bias_correction: bool = True,
    amsgrad: bool = False,
) -> None:
    """Adam (decoupled=False: weight_decay is L2 added to g) or AdamW (decoupled=True: p *= 1 - lr wd).
    amsgrad divides by the running maximum of v instead of v (Reddi et al., 2018), as torch does."""
    b1, b2 = betas
    state.setdefault("step", 0)
    state.setdefault("exp_avg", torch.zeros_like(p))
    state.setdefault("exp_avg_sq", torch.zeros_like(p))
    state["step"] += 1
    t = state["step"]
    if weight_decay and decoupled:
        p.mul_(1 - lr * weight_decay)
    elif weight_decay:
        g = g + weight_decay * p
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m.mul_(b1).add_(g, alpha=1 - b1)
    v.mul_(b2).addcmul_(g, g, value=1 - b2)
    bc1 = 1 - b1**t if bias_correction else 1.0
    bc2 = 1 - b2**t if bias_correction else 1.0
    if amsgrad:
        v_max = state.setdefault("max_exp_avg_sq", torch.zeros_like(p))
        torch.maximum(v_max, v, out=v_max)
        v = v_max
    denom = v.sqrt() / math.sqrt(bc2) + eps
    p.addcdiv_(m, denom, value=-lr / bc1)


def adam_update(
    p: torch.Tensor,
    g: torch.Tensor,
    m: torch.Tensor,
    v: torch.Tensor,
    t: int,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled: bool = False,
) -> None:
    """adam_step with the state spelled out, as an interviewer asks for it: moments m, v (updated in place, like p)
    and the step number t, counted from 1."""
    state: State = {"step": t - 1, "exp_avg": m, "exp_avg_sq": v}
    adam_step(p, g, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, decoupled=decoupled)


def adamw_update(
    p: torch.Tensor,
    g: torch.Tensor,
    m: torch.Tensor,
    v: torch.Tensor,
    t: int,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
) -> None:
    """AdamW: decoupled decay p *= 1 - lr * weight_decay (M14), with torch's default weight_decay 1e-2."""
    adam_update(p, g, m, v, t, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, decoupled=True)


def lion_step(
    p: torch.Tensor,
    g: torch.Tensor,
    state: State,
    *,
    lr: float = 1e-4,
    betas: tuple[float, float] = (0.9, 0.99),
    weight_decay: float = 0.0,
) -> None:
    b1, b2 = betas
    m = state.setdefault("exp_avg", torch.zeros_like(p))
    update = torch.sign(b1 * m + (1 - b1) * g)
    p.mul_(1 - lr * weight_decay).add_(update, alpha=-lr)
    m.mul_(b2).add_(g, alpha=1 - b2)


# --- torch.optim-compatible classes ----------------------------------------------------------------------------------


class _StepOptimizer(torch.optim.Optimizer):
    """Applies `_step_fn(p, p.grad, state, **group hyperparameters)` to every parameter that has a gradient.

    Works with torch.optim.lr_scheduler, param_groups, state_dict and zero_grad like any torch optimizer."""

    _hyper: tuple[str, ...] = ()

    def _step_fn(self, p: torch.Tensor, g: torch.Tensor, state: State, **hp: Any) -> None:
        raise NotImplementedError  # abstract: each optimizer class supplies its update

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:  # type: ignore[override]
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            hp = {k: group[k] for k in self._hyper}
            for p in group["params"]:
                if p.grad is not None:
                    self._step_fn(p, p.grad, self.state[p], **hp)
        return loss


class SGD(_StepOptimizer):
    _hyper = ("lr", "momentum", "dampening", "nesterov", "weight_decay")

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ):
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def _step_fn(self, p: torch.Tensor, g: torch.Tensor, state: State, **hp: Any) -> None:
        sgd_step(p, g, state, **hp)


class Adagrad(_StepOptimizer):
    _hyper = ("lr", "lr_decay", "weight_decay", "eps", "initial_accumulator_value")

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10):  # fmt: skip
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, eps=eps,
                        initial_accumulator_value=initial_accumulator_value)  # fmt: skip
        super().__init__(params, defaults)

    def _step_fn(self, p: torch.Tensor, g: torch.Tensor, state: State, **hp: Any) -> None:
        adagrad_step(p, g, state, **hp)


class RMSprop(_StepOptimizer):
    _hyper = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False):  # fmt: skip
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _step_fn(self, p: torch.Tensor, g: torch.Tensor, state: State, **hp: Any) -> None:
        rmsprop_step(p, g, state, **hp)


class Adam(_StepOptimizer):
    _hyper = ("lr", "betas", "eps", "weight_decay", "decoupled", "bias_correction", "amsgrad")
    _decoupled = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, bias_correction: bool = True,
                 amsgrad: bool = False):  # fmt: skip
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, decoupled=self._decoupled,
                        bias_correction=bias_correction, amsgrad=amsgrad)  # fmt: skip
        super().__init__(params, defaults)

    def _step_fn(self, p: torch.Tensor, g: torch.Tensor, state: State, **hp: Any) -> None:
        adam_step(p, g, state, **hp)


class AdamW(Adam):
    """Adam with decoupled weight decay; torch's default weight_decay for AdamW is 1e-2."""

    _decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, bias_correction: bool = True,
                 amsgrad: bool = False):  # fmt: skip
        super().__init__(params, lr, betas, eps, weight_decay, bias_correction, amsgrad)


class Lion(_StepOptimizer):
    _hyper = ("lr", "betas", "weight_decay")

    def __init__(self, params: Iterable[Any], lr: float = 1e-4, betas: tuple[float, float] = (0.9, 0.99),
                 weight_decay: float = 0.0):  # fmt: skip
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    def _step_fn(self, p: torch.Tensor, g: torch.Tensor, state: State, **hp: Any) -> None:
        lion_step(p, g, state, **hp)


# --- helpers ---------------------------------------------------------------------------------------------------------


def param_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """Two groups: weights of Linear/Conv/Embedding get weight decay; biases and norm gains/shifts (every parameter
    with fewer than 2 dims) do not. A single global weight_decay would silently decay them too."""
    decay: list[nn.Parameter] = []
    no_decay: list[nn.Parameter] = []
    for _, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (decay if p.dim() >= 2 else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


BYTES_PER_PARAM = {
    "sgd": 4,  # fp32 weights only
    "sgd-momentum": 4 + 4,
    "adam-states": 8,  # fp32 m and v only (M15)
    "adam-fp32": 4 + 4 + 8,  # weights + grads + m, v
    "adam-mixed": 2 + 2 + 4 + 8,  # bf16/fp16 weights + grads, fp32 master copy, m, v = 16 B (ZeRO paper's K = 12 + 4)
    "adam-8bit-states": 2,  # 8-bit m and v (block constants ignored)
}


def optimizer_bytes(n_params: int | float, scheme: str = "adam-mixed") -> float:
    """Bytes of training state for n_params parameters, before activations. 175e9 params: adam-states = 1.4e12
    (1.4 TB), adam-mixed = 2.8e12 (M15)."""
    if scheme not in BYTES_PER_PARAM:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {sorted(BYTES_PER_PARAM)}")
    return float(n_params) * BYTES_PER_PARAM[scheme]


def lamb_trust_ratio(w: torch.Tensor, u: torch.Tensor, *, clamp: float = 10.0) -> float:
    """LAMB/LARS layer-wise trust ratio ||w|| / ||u||, clamped to [0, clamp]; 1 when either norm is 0."""
    wn, un = float(w.norm()), float(u.norm())
    if wn == 0 or un == 0:
        return 1.0
    return min(wn / un, clamp)


def scaled_lr(lr: float, base_batch: int, batch: int, rule: str = "linear") -> float:
    """Batch-size LR scaling: linear (Goyal et al., 2017) or sqrt (beyond the critical batch, or for Adam)."""
    k = batch / base_batch
    if rule == "linear":
        return lr * k
    if rule == "sqrt":
        return lr * math.sqrt(k)
    raise ValueError(f"rule must be 'linear' or 'sqrt', got {rule!r}")


def layerwise_lr_groups(layers: list[nn.Module], base_lr: float, decay: float) -> list[dict[str, Any]]:
    """Discriminative LRs: the last module (the head) gets base_lr, each earlier one `decay` times the next
    (ULMFiT-style; decay ~ 0.1-0.9, pretrained bottom layers 10-100x lower than the head)."""
    n = len(layers)
    return [{"params": list(m.parameters()), "lr": base_lr * decay ** (n - 1 - i)} for i, m in enumerate(layers)]


def lr_range_test(
    loss_and_grad: Callable[[torch.Tensor], tuple[float, torch.Tensor]],
    w0: torch.Tensor,
    *,
    lo: float = 1e-6,
    hi: float = 10.0,
    n: int = 50,
    steps: int = 20,
    blowup: float = 4.0,
) -> tuple[float, list[float], list[float]]:
    """Leslie Smith's LR range test, one short SGD run per LR on a log grid from lo to hi (restarting from w0).

    Returns (suggested lr, lrs, final losses). The suggestion is the largest LR whose run still ends below the
    starting loss, divided by 10 (a common rule of thumb); runs that exceed blowup x the start count as diverged.
    """
    lrs = [lo * (hi / lo) ** (i / (n - 1)) for i in range(n)]
    start, _ = loss_and_grad(w0)
    finals = []
    for lr in lrs:
        w = w0.clone()
        loss = start
        for _ in range(steps):
            loss, g = loss_and_grad(w)
            if not math.isfinite(loss) or loss > blowup * start:
                loss = math.inf
                break
            w = w - lr * g
        loss = loss_and_grad(w)[0] if math.isfinite(loss) else loss
        finals.append(loss if math.isfinite(loss) else math.inf)
    ok = [lr for lr, f in zip(lrs, finals, strict=True) if f < start]
    return (max(ok) / 10 if ok else lo), lrs, finals
