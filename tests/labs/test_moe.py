"""ref.moe against closed forms, and the MoE lab's collapse vs balance."""

import pytest
import torch

from mldrill.labs.moe_load import run
from mldrill.ref.moe import capacity, dropped_fraction, load_balancing_loss


def test_aux_loss_is_one_when_uniform_and_e_when_collapsed() -> None:
    e = 8
    uniform = torch.full((64, e), 1 / e)
    assert float(load_balancing_loss(uniform, torch.arange(64) % e)) == pytest.approx(1.0)
    onehot = torch.zeros(64, e)
    onehot[:, 0] = 1
    assert float(load_balancing_loss(onehot, torch.zeros(64, dtype=torch.long))) == pytest.approx(e)
    assert capacity(100, 8, capacity_factor=1.25) == 16
    assert dropped_fraction(torch.tensor([0, 0, 0, 1]), 2, 2) == 0.25


def test_collapse_without_aux_and_balance_with_it() -> None:
    n = run(experts=8, aux_weight=0.05, steps=300, seed=0).numbers
    no_aux, with_aux = n["share"]["no aux loss"], n["share"]["aux loss α = 0.05"]
    assert max(no_aux) > 0.4 and sum(s == 0 for s in no_aux) >= 4  # collapsed onto a few experts
    assert max(with_aux) < 2 / 8 and min(with_aux) > 0.5 / 8
    assert n["dropped"]["aux loss α = 0.05"][3] < 0.1 < n["dropped"]["no aux loss"][3]  # capacity factor 1.25
