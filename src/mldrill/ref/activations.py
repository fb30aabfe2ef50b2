"""Activation functions and their derivatives, written from their formulas.

relu(x) = max(x, 0)                     leaky_relu(x) = x if x > 0 else a x        prelu: a is learned (per channel)
elu(x) = x if x > 0 else a (e^x - 1)    selu(x) = scale * elu(x, alpha)            (Klambauer et al., 2017)
sigmoid(x) = 1 / (1 + e^-x)             sigmoid' = s (1 - s) <= 1/4, so deep sigmoid stacks vanish
tanh' = 1 - tanh^2                      softplus(x) = log(1 + e^{beta x}) / beta   (linear past `threshold`)
gelu(x) = x Phi(x)  (Hendrycks & Gimpel, 2016); tanh form 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3)));
          sigmoid form x sigma(1.702 x)  (M7: tanh form within 5e-4 of exact, sigmoid form only within ~0.02)
silu(x) = x sigma(x) = swish(x, beta=1); minimum ~ -0.278 at x ~ -1.278

Derivatives (`*_grad`) return dy/dx elementwise, for hand-written backward passes; at the kink of ReLU we use 0 as
PyTorch does. Tested against torch.nn.functional and autograd (tests/ref/test_activations.py).
"""

from __future__ import annotations

import math

import torch

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def relu(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    return (x > 0).to(x.dtype)


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    return torch.where(x > 0, x, negative_slope * x)


def leaky_relu_grad(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    return torch.where(x > 0, torch.ones_like(x), torch.full_like(x, negative_slope))


def prelu(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """weight has 1 or C entries; C is dim 1 (N, C, ...) as in nn.PReLU."""
    w = weight.reshape(-1, *([1] * (x.dim() - 2))) if x.dim() >= 2 and weight.numel() > 1 else weight  # (C, 1, ...)
    return torch.where(x > 0, x, w * x)


def prelu_grad(x: torch.Tensor, weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(dy/dx, dy/da) elementwise: 1 or a for x, and 0 or x for the slope (sum over all but dim 1 for per-channel a)."""
    w = weight.reshape(-1, *([1] * (x.dim() - 2))) if x.dim() >= 2 and weight.numel() > 1 else weight
    pos = x > 0
    return torch.where(pos, torch.ones_like(x), w * torch.ones_like(x)), torch.where(pos, torch.zeros_like(x), x)


class PReLU(torch.nn.Module):
    """Leaky ReLU with a learned slope, initialised to 0.25 like nn.PReLU."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.full((num_parameters,), init))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return prelu(x, self.weight)


def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    return torch.where(x > 0, x, alpha * torch.expm1(torch.clamp(x, max=0)))


def elu_grad(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    return torch.where(x > 0, torch.ones_like(x), alpha * torch.exp(torch.clamp(x, max=0)))


def selu(x: torch.Tensor) -> torch.Tensor:
    return SELU_SCALE * elu(x, SELU_ALPHA)


def selu_grad(x: torch.Tensor) -> torch.Tensor:
    return SELU_SCALE * elu_grad(x, SELU_ALPHA)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Stable: never exponentiates a positive number, so no overflow at x = -1000."""
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x: torch.Tensor) -> torch.Tensor:
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: torch.Tensor) -> torch.Tensor:
    """tanh(x) = sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|}); expm1 keeps relative precision for tiny |x|."""
    a = -2 * x.abs()
    return torch.sign(x) * -torch.expm1(a) / (1 + torch.exp(a))


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    return 1 - tanh(x) ** 2


def softplus(x: torch.Tensor, beta: float = 1.0, threshold: float = 20.0) -> torch.Tensor:
    """F.softplus: log(1 + e^{beta x}) / beta, and x itself where beta x > threshold."""
    bx = beta * x
    stable = (torch.clamp(bx, min=0) + torch.log1p(torch.exp(-bx.abs()))) / beta
    return torch.where(bx > threshold, x, stable)


def softplus_grad(x: torch.Tensor, beta: float = 1.0, threshold: float = 20.0) -> torch.Tensor:
    return torch.where(beta * x > threshold, torch.ones_like(x), sigmoid(beta * x))


def _phi(x: torch.Tensor) -> torch.Tensor:
    return torch.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)


def gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """'none': x Phi(x) with the erf; 'tanh': PyTorch/GPT-2 tanh form; 'sigmoid': x sigma(1.702 x)."""
    if approximate == "none":
        return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
    if approximate == "tanh":
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    if approximate == "sigmoid":
        return x * torch.sigmoid(1.702 * x)
    raise ValueError(f"approximate must be 'none', 'tanh' or 'sigmoid', got {approximate!r}")


def gelu_grad(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    if approximate == "none":
        return 0.5 * (1 + torch.erf(x / math.sqrt(2))) + x * _phi(x)
    if approximate == "tanh":
        k = math.sqrt(2 / math.pi)
        t = torch.tanh(k * (x + 0.044715 * x**3))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * k * (1 + 3 * 0.044715 * x**2)
    if approximate == "sigmoid":
        s = torch.sigmoid(1.702 * x)
        return s + 1.702 * x * s * (1 - s)
    raise ValueError(f"approximate must be 'none', 'tanh' or 'sigmoid', got {approximate!r}")


def swish(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    return x * sigmoid(beta * x)


def silu(x: torch.Tensor) -> torch.Tensor:
    return swish(x, 1.0)


def silu_grad(x: torch.Tensor) -> torch.Tensor:
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def collapse(
    l1: tuple[torch.Tensor, torch.Tensor], l2: tuple[torch.Tensor, torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Two stacked linear layers (W, b) without a nonlinearity are one: W = W2 W1, b = W2 b1 + b2."""
    (w1, b1), (w2, b2) = l1, l2
    return w2 @ w1, w2 @ b1 + b2  # (out, in), (out,)
