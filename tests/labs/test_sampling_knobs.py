"""decoding-strategies/temperature and /top-p: the cards' worked examples through ref.sampling, and the lab."""

import math

import pytest
import torch

from mldrill.labs.sampling_knobs import run
from mldrill.ref.sampling import apply_temperature, top_p_filter


def test_card_examples() -> None:
    z = torch.tensor([2.0, 1.0, 0.0], dtype=torch.float64)
    assert torch.softmax(z, -1).tolist() == pytest.approx([0.665, 0.245, 0.090], abs=5e-4)
    assert torch.softmax(apply_temperature(z, 0.5), -1).tolist() == pytest.approx([0.867, 0.117, 0.016], abs=5e-4)
    logits = torch.tensor([0.5, 0.25, 0.125, 0.125], dtype=torch.float64).log()  # exactly representable masses
    kept = torch.softmax(top_p_filter(logits, 0.7), -1)
    assert (kept > 0).sum() == 2  # 0.5 < 0.7, 0.75 >= 0.7: the crossing token is kept
    p = torch.tensor([0.5, 0.3, 0.15, 0.05], dtype=torch.float64)
    kept = torch.softmax(top_p_filter(p.log(), 0.9), -1)
    assert kept.tolist() == pytest.approx([0.526, 0.316, 0.158, 0.0], abs=5e-4)


def test_lab_entropy_rises_with_temperature_and_top_p_adapts() -> None:
    n = run(context="the", temperature=0.7, top_k=10, top_p=0.9).numbers
    assert n["entropy"] == sorted(n["entropy"]) and n["entropy"][-1] < math.log(n["vocab_size"])
    assert n["kept_top_k"] >= 10 and n["kept_by_p"] == sorted(n["kept_by_p"])  # ties with the k-th stay
