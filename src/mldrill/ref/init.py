"""Weight initialization: variance-preserving schemes, PyTorch's defaults, and residual-branch scaling.

LeCun   Var(w) = 1 / fan_in
Xavier  Var(w) = 2 / (fan_in + fan_out); uniform bound sqrt(6 / (fan_in + fan_out))     (Glorot & Bengio, 2010; M8)
He      Var(w) = gain^2 / fan, gain = sqrt(2) for ReLU: the 2 offsets ReLU zeroing half its inputs  (He et al., 2015)
        uniform bound = gain * sqrt(3 / fan); mode 'fan_in' preserves forward variance, 'fan_out' backward.
nn.Linear default: kaiming_uniform_(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases;
        it ignores your activation.
Orthogonal (Saxe et al., 2014): QR of a Gaussian matrix, signs of R's diagonal folded into Q so Q is uniformly
        distributed (without the fix it is biased).
Residual nets: zero-init the last layer of each branch (each block starts as the identity; Goyal et al., 2017), or
        GPT-2's std 0.02 / sqrt(2 n_layer) for residual projections (2 residual adds per block).
Output bias: log class priors (softmax) or log(pi / (1 - pi)) (sigmoid) so the initial loss is the prior entropy.

Every initializer takes a torch.Generator and draws exactly what nn.init draws, so with the same generator state the
result equals nn.init's bit for bit (tests/ref/test_init.py; also KS tests against the target distribution).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch
from torch import nn

Gen = torch.Generator | None


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "sigmoid", "identity"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")


def fans(w: torch.Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a Linear (out, in) or Conv (out, in, *kernel) weight."""
    if w.dim() < 2:
        raise ValueError(f"fan in/out need at least 2 dims, got shape {tuple(w.shape)}")
    receptive = math.prod(w.shape[2:])
    return w.shape[1] * receptive, w.shape[0] * receptive


@torch.no_grad()
def xavier_uniform_(w: torch.Tensor, gain: float = 1.0, *, generator: Gen = None) -> torch.Tensor:
    fan_in, fan_out = fans(w)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return w.uniform_(-a, a, generator=generator)


@torch.no_grad()
def xavier_normal_(w: torch.Tensor, gain: float = 1.0, *, generator: Gen = None) -> torch.Tensor:
    fan_in, fan_out = fans(w)
    return w.normal_(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator=generator)


def _kaiming_std(w: torch.Tensor, a: float, mode: str, nonlinearity: str) -> float:
    fan_in, fan_out = fans(w)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


@torch.no_grad()
def kaiming_uniform_(w: torch.Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     *, generator: Gen = None) -> torch.Tensor:  # fmt: skip
    bound = math.sqrt(3.0) * _kaiming_std(w, a, mode, nonlinearity)
    return w.uniform_(-bound, bound, generator=generator)


@torch.no_grad()
def kaiming_normal_(w: torch.Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    *, generator: Gen = None) -> torch.Tensor:  # fmt: skip
    return w.normal_(0.0, _kaiming_std(w, a, mode, nonlinearity), generator=generator)


@torch.no_grad()
def lecun_normal_(w: torch.Tensor, *, generator: Gen = None) -> torch.Tensor:
    return w.normal_(0.0, 1 / math.sqrt(fans(w)[0]), generator=generator)


@torch.no_grad()
def orthogonal_(w: torch.Tensor, gain: float = 1.0, *, generator: Gen = None) -> torch.Tensor:
    rows = w.shape[0]
    cols = w.numel() // rows
    flat = w.new_empty((rows, cols)).normal_(0, 1, generator=generator)  # (rows, cols)
    if rows < cols:
        flat = flat.T  # QR needs rows >= cols
    q, r = torch.linalg.qr(flat)
    q = q * torch.sign(torch.diagonal(r))  # sign fix: makes Q Haar-distributed
    if rows < cols:
        q = q.T
    return w.copy_(q.reshape(w.shape) * gain)


@torch.no_grad()
def linear_default_init_(layer: nn.Linear, *, generator: Gen = None) -> nn.Linear:
    """What nn.Linear.reset_parameters does: kaiming_uniform_(a = sqrt(5)) and bias U(+-1/sqrt(fan_in))."""
    kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
    if layer.bias is not None:
        bound = 1 / math.sqrt(fans(layer.weight)[0]) if layer.in_features > 0 else 0.0
        layer.bias.uniform_(-bound, bound, generator=generator)
    return layer


def init_output_bias(priors: Iterable[float]) -> torch.Tensor:
    """Output bias for the given class priors: log(pi) for a softmax head (C > 1 priors, summing to 1) or
    log(pi / (1 - pi)) for a single sigmoid output (one prior)."""
    p = torch.tensor(list(priors), dtype=torch.float64)
    if p.numel() == 1:
        return torch.log(p / (1 - p))
    if abs(float(p.sum()) - 1) > 1e-6:
        raise ValueError(f"softmax priors must sum to 1, got {float(p.sum())}")
    return torch.log(p)


@torch.no_grad()
def zero_init_residual(model: nn.Module, names: tuple[str, ...] = ("c_proj", "fc2", "bn2")) -> int:
    """Zero the weight of every module whose name ends with one of `names` (the last layer of each residual branch),
    so every block starts as the identity. Returns how many modules were zeroed."""
    n = 0
    for name, m in model.named_modules():
        if name.split(".")[-1] in names and isinstance(getattr(m, "weight", None), torch.Tensor):
            m.weight.zero_()
            n += 1
    return n


@torch.no_grad()
def scale_residual_proj(model: nn.Module, n_layer: int, *, std: float = 0.02, name: str = "c_proj",
                        generator: Gen = None) -> int:  # fmt: skip
    """GPT-2: residual projections ~ N(0, (std / sqrt(2 n_layer))^2); the stream's variance then stays O(1) in depth."""
    n = 0
    for pname, p in model.named_parameters():
        if pname.endswith(f"{name}.weight"):
            p.normal_(0.0, std / math.sqrt(2 * n_layer), generator=generator)
            n += 1
    return n


def preact_var(fan_in: int, *, w_std: float = 1.0, n: int = 2000, generator: Gen = None) -> float:
    """Empirical Var(w . x) for x ~ N(0, 1)^fan_in and w ~ N(0, w_std^2): fan_in * w_std^2 in expectation."""
    x = torch.randn(n, fan_in, dtype=torch.float64, generator=generator)
    w = torch.randn(fan_in, dtype=torch.float64, generator=generator) * w_std
    return float((x @ w).var())
