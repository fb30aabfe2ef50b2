"""positional-encoding/rope-* and residual-connections/* on the labs' numbers."""

import pytest

from mldrill.labs import residual_depth, rope_distance


def test_rope_relative_and_base_wavelengths() -> None:
    n = rope_distance.run(head_dim=128, base="10000", offset=1000).numbers
    assert n["max_diff"] < 1e-10
    assert n["theta"][63] == pytest.approx(1.155e-4, rel=1e-3) and round(n["wavelengths"][63], -1) == 54410
    assert n["theta"][0] == 1.0
    big = rope_distance.run(head_dim=128, base="500000").numbers
    assert big["theta"][63] == pytest.approx(2.455e-6, rel=1e-3) and abs(big["wavelengths"][63] - 2_559_196) < 5


def test_residual_gradient_and_stream_variance() -> None:
    n = residual_depth.run(depth=50, width=32, gain=90, seed=0).numbers
    assert n["plain"][0] == pytest.approx(0.9**50, rel=1e-6) and round(0.9**50, 3) == 0.005  # orthogonal: exact
    assert n["residual"][0] > 0.5  # the identity path alone carries the full gradient
    var = n["var"]
    # Var(x_L) = 1 + L for unit branches: 256 x 32 draws, relative std ~ sqrt(2 / 8192) = 1.6 %; 6 % band
    assert var[48] == pytest.approx(49, rel=0.06) and var[-1] == pytest.approx(51, rel=0.06)
    assert n["var_scaled"][-1] == pytest.approx(1.5, rel=0.06)  # 1 + L / (2L)
