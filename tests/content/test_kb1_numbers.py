"""Numbers stated in the kb1 cards (activations/init/norms/residuals, optimizers, losses), recomputed independently.

Each test loads the card with yaml.safe_load, recomputes the number with torch / numpy / arithmetic from the
problem's inputs (never from the card's text), formats it the way the card writes it, and asserts the answer
contains it. Where a card states a PyTorch default or behaviour, the default is read from the library itself.
"""

import inspect
import math
from functools import cache
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
import yaml
from torch import nn

CONTENT = Path(__file__).resolve().parents[2] / "src" / "mldrill" / "content"


@cache
def _cards() -> dict[str, dict]:
    out = {}
    for path in CONTENT.glob("*/*.yaml"):
        with path.open(encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        for c in doc["cards"]:
            out[c["id"]] = c
    return out


def answer(card_id: str) -> str:
    """The card's answer with every run of whitespace collapsed to one space."""
    return " ".join(_cards()[card_id]["answer"].split())


def contains(card_id: str, *expected: str) -> None:
    text = answer(card_id)
    for s in expected:
        assert s in text, f"{card_id}: expected {s!r} in the answer"


def default(fn, name):
    return inspect.signature(fn).parameters[name].default


def sci(x: float, digits: int = 1) -> str:
    """1.2e-07 -> '1.2e-7' (the way cards write it)."""
    mant, exp = f"{x:.{digits}e}".split("e")
    return f"{mant}e{int(exp)}"


def f64(*xs):
    return torch.tensor(xs, dtype=torch.float64)


# ------------------------------------------------------------------------------------------ activation functions
GRID = torch.linspace(-10, 10, 2_000_001, dtype=torch.float64)


def test_sigmoid_tanh_derivative_maxima():
    x = GRID.clone().requires_grad_(True)
    torch.sigmoid(x).sum().backward()
    contains("activation-functions/sigmoid-tanh-derivatives", f"**{x.grad.max().item():.2f}**")
    x.grad = None
    torch.tanh(x).sum().backward()
    assert x.grad.max().item() == pytest.approx(1.0)
    s5 = torch.sigmoid(f64(5.0))
    contains("activation-functions/sigmoid-tanh-derivatives", f"{(s5 * (1 - s5)).item():.4f}")


def test_sigmoid_stack_bound():
    contains("activation-functions/sigmoid-vanishing", f"**{sci(0.25 ** 10)}**", sci(0.25 ** 20))
    s = torch.sigmoid(f64(5.0))
    assert (s * (1 - s)).item() < 0.007
    contains("activation-functions/sigmoid-vanishing", "0.007")


def test_gelu_approximation_errors():
    exact = F.gelu(GRID)
    tanh_err = (exact - F.gelu(GRID, approximate="tanh")).abs()
    sig = GRID * torch.sigmoid(1.702 * GRID)
    sig_err = (exact - sig).abs()
    card = "activation-functions/gelu-approximations"
    contains(card, f"**{sci(tanh_err.max().item())}**", f"**{sig_err.max().item():.3f}**")
    assert tanh_err.max() < 5e-4
    contains(card, f"{GRID[sig_err.argmax()].item():.2f}")
    contains(card, f"{round(sig_err.max().item() / tanh_err.max().item(), -1):.0f}×")


def test_silu_and_gelu_minima():
    s = F.silu(GRID)
    contains("activation-functions/silu-swish", f"**{s.min().item():.3f}**", f"{GRID[s.argmin()].item():.3f}")
    g = F.gelu(GRID)
    contains("activation-functions/gelu-vs-relu", f"{g.min().item():.3f}", f"{GRID[g.argmin()].item():.2f}")
    x = GRID.clone().requires_grad_(True)
    F.silu(x).sum().backward()
    contains("activation-functions/silu-swish", f"{x.grad.max().item():.1f}", f"{GRID[x.grad.argmax()].item():.1f}")


def test_sigmoid_overflow_and_saturation():
    contains("activation-functions/stable-sigmoid", f"{math.log(torch.finfo(torch.float32).max):.1f}")
    one_minus = 1 - torch.sigmoid(torch.tensor(17.0))
    assert one_minus.item() == 0.0 and (1 - torch.sigmoid(torch.tensor(15.0))).item() > 0
    contains("activation-functions/stable-sigmoid", "17")


def test_softplus_and_relu_family_defaults():
    contains("activation-functions/softplus", f"{F.softplus(torch.tensor(0.0)).item():.3f}")
    contains("activation-functions/softplus", f"threshold={nn.Softplus().threshold:.0f}")
    contains("activation-functions/relu-family", f"negative_slope={default(F.leaky_relu, 'negative_slope')}")
    contains("activation-functions/relu-family", f"{nn.PReLU().weight.item():.2f}")
    assert default(F.elu, "alpha") == 1.0


def test_selu_constants_and_gain():
    lam = F.selu(torch.tensor(1.0, dtype=torch.float64)).item()
    alpha = -F.selu(torch.tensor(-50.0, dtype=torch.float64)).item() / lam
    contains("activation-functions/selu-self-normalizing", f"{lam:.4f}", f"{alpha:.4f}")
    assert nn.init.calculate_gain("selu") == 0.75
    contains("activation-functions/selu-self-normalizing", "3/4")
