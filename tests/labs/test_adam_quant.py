"""adaptive-optimizers/adam-* and llm-quantization/granularity on the labs' numbers."""

import pytest

from mldrill.labs import adam_bias_correction, quantization_error


def test_adam_bias_correction_and_first_step() -> None:
    n = adam_bias_correction.run(beta2=0.999, steps=300, noise=1.0, seed=0).numbers
    assert n["within_1pct"] == {"beta1": 44, "beta2": 4603}
    for f in n["first_steps"][1:]:
        assert f == pytest.approx(1e-3, rel=1e-4)  # eta * g / (|g| + eps), whatever |g|
    assert n["first_steps"][0] == pytest.approx(1e-3 * 1e-6 / (1e-6 + 1e-8))  # eps starts to bite near 1e-8
    assert n["early_ratio"] > 2  # uncorrected: m1 / sqrt(v1) = 0.1 / sqrt(0.001) = 3.16 at t = 1


def test_finer_groups_lower_the_error() -> None:
    n = quantization_error.run(rows=64, cols=512, outliers_per_mille=1, seed=0).numbers
    e = n["err"]
    for i in range(len(n["bits"])):
        assert e["per tensor"][i] >= e["group 128"][i] >= e["group 64"][i] >= e["group 32"][i]
    four = n["bits"].index(4)
    assert e["per tensor"][four] > 3 * e["group 64"][four]
    assert n["nf4"] < n["int4_g64"]
    assert all(a > b for a, b in zip(e["group 64"], e["group 64"][1:], strict=False))
