"""mldrill.ref.preference and mldrill.ref.diffusion against closed forms and autograd."""

import math

import numpy as np
import pytest
import torch

from mldrill.ref.diffusion import alphas_bar, cosine_betas, linear_betas, log_snr
from mldrill.ref.preference import dpo_loss, ppo_clip_objective


def test_ppo_clip_cases() -> None:
    r = torch.tensor([0.5, 0.9, 1.1, 1.5], dtype=torch.float64, requires_grad=True)
    obj = ppo_clip_objective(r, 1.0, eps=0.2)
    assert obj.tolist() == pytest.approx([0.5, 0.9, 1.1, 1.2])
    (g,) = torch.autograd.grad(obj.sum(), r)
    assert g.tolist() == [1.0, 1.0, 1.0, 0.0]  # A > 0: flat past 1 + eps, still pushing below 1 - eps
    obj = ppo_clip_objective(r, -1.0, eps=0.2)
    (g,) = torch.autograd.grad(obj.sum(), r)
    assert g.tolist() == [0.0, -1.0, -1.0, -1.0]  # A < 0: flat below 1 - eps, still on above 1 + eps


def test_dpo_values_and_gradient_weight() -> None:
    z = torch.zeros(1, dtype=torch.float64)
    assert float(dpo_loss(z, z)) == pytest.approx(math.log(2))
    assert float(dpo_loss(z + 5, z - 5, beta=0.1)) == pytest.approx(-math.log(1 / (1 + math.exp(-1))))
    w = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(dpo_loss(w, torch.zeros(1, dtype=torch.float64), beta=0.5).sum(), w)
    assert float(g) == pytest.approx(-0.5 / (1 + math.exp(0.5 * 2.0)))  # -beta sigmoid(r_l - r_w)


def test_schedules() -> None:
    lin = alphas_bar(linear_betas())
    assert lin[0] == pytest.approx(0.9999) and round(float(log_snr(lin)[0]), 2) == 9.21
    assert round(float(lin[499]), 3) == 0.079 and round(float(log_snr(lin)[499]), 2) == -2.46
    assert round(float(log_snr(lin)[999]), 1) == -10.1
    cos = cosine_betas()
    assert cos[0] == pytest.approx(4.1e-5, rel=0.02) and cos[-1] == 0.999
    plain = 1 - math.cos(math.pi / 2 / 1000) ** 2  # without the offset s
    assert plain == pytest.approx(2.5e-6, rel=0.03)
    assert np.all(np.diff(alphas_bar(cos)) < 0)
