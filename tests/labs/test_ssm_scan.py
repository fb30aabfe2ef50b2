"""The SSM lab's claim: recurrence, convolution and scan give one output (the ref functions: tests/ref/test_ssm.py)."""

import math

import pytest

from mldrill.labs.ssm_scan import DELTAS, run


@pytest.mark.parametrize("length", [64, 50])
def test_lab_outputs_agree(length: int) -> None:
    """Cards recurrence-convolution and associative-scan: the convolution with K_m = C Ā^m B̄ and the doubling scan
    both equal the sequential recurrence, also at a length that is not a power of 2."""
    n = run(state=8, length=length, seed=0).numbers
    assert max(n["max_err"].values()) < 1e-10
    assert all(len(v) == 4 and min(v) > 0 for v in n["timing"].values())


def test_kernel_decays_as_exp_minus_delta_a_per_step() -> None:
    """Card stability: with Ā = exp(ΔA), an input's weight after m steps is scaled by exp(-m Δ |A|) (one state, so
    K_m / K_0 = Ā^m exactly; the card's A = -1 case is |A| = 1)."""
    n = run(state=1, length=16, seed=0).numbers
    a = n["a"][0]
    for d in DELTAS:
        k = n["kernels"][d]
        assert math.isclose(k[100] / k[0], math.exp(100 * d * a), rel_tol=1e-9, abs_tol=1e-300), d
