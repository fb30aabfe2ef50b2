"""training-sanity-checks/overfit-* and mixed-precision/fp16-gradient-underflow on the lab's numbers."""

import math

import torch

from mldrill.labs.overfit_one_batch import run


def test_failure_shapes_and_underflow() -> None:
    n = run(batch=8, steps=120, seed=0).numbers
    c = n["curves"]
    assert c["correct"][-1] < 0.01 * c["correct"][0]  # memorised
    for flat in ("frozen params", "detached output"):
        assert max(c[flat]) - min(c[flat]) < 1e-12 and abs(c[flat][0] - math.log(10)) < 1.0  # flat from step 1
    assert not c["LR × 100"][-1] < 1e3 * c["LR × 100"][0]  # rising: it blows up (inf or NaN counts too)
    assert max(c["no zero_grad"][10:]) > 10 * c["no zero_grad"][0]  # stale gradients pile up into spikes
    u = n["underflow"]
    assert u["fp16"] > 0.1 and u["bf16"] == 0.0 and u["fp16 × 65536"] < u["fp16"]
    assert float(torch.tensor(1e-8).half()) == 0.0 and float((torch.tensor(1e-8) * 65536).half()) > 6e-4
