"""attention/why-scale and attention/scale-alternatives, asserted on the lab's numbers at reduced size."""

import math

import numpy as np

from mldrill.labs.attention_scaling import run


def test_scaling_claims() -> None:
    r = run(n_keys=64, trials=100, max_log2_dk=9, seed=0)
    n = r.numbers
    dks = n["d_k"]
    # Var(q.k) = d_k. Keys share their query, so the estimate's relative std is about sqrt(2 / (d_k * trials)):
    # 0.018 at d_k = 64; a 6 % band is > 3 sigma for d_k >= 64 (false failure < 0.3 % per seed).
    for d, v in zip(dks, n["score_var"], strict=True):
        if d >= 64:
            assert abs(v / d - 1) < 0.06, (d, v)
    assert math.isclose(math.sqrt(64), 8) and abs(math.sqrt(128) - 11.3) < 0.05  # the card's stds
    raw, scaled, linear = n["raw"], n["1/√d_k"], n["1/d_k"]
    # Raw scores saturate: the largest weight rises toward one-hot and the Jacobian shrinks with d_k.
    assert raw["max_weight"][-1] > 0.9 and np.all(np.diff(raw["max_weight"]) > 0)
    assert raw["jacobian"][-1] < 0.5 * max(raw["jacobian"])
    # 1/sqrt(d_k) holds the softmax in place at every head size.
    assert max(scaled["max_weight"]) / min(scaled["max_weight"]) < 1.2
    assert max(scaled["jacobian"]) / min(scaled["jacobian"]) < 1.1
    # 1/d_k: scores with std 1/sqrt(d_k) -> nearly uniform attention (max weight within 30 % of 1/T at d_k = 512).
    assert linear["max_weight"][-1] < 1.3 / 64
    assert r.figures and r.figures[0].svg.startswith("<svg") and r.figures[0].table.rows
