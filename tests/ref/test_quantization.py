"""Quantization vs torch's fake-quant ops, FP8 casts, the bitsandbytes NF4 table and torch pruning."""

import pytest
import torch
import torch.nn.utils.prune as prune
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.quantization import (
    dequantize,
    dequantize_nf4,
    fake_quant,
    fp8_round,
    magnitude_prune,
    nf4_codebook,
    quant_constant_bits,
    quantize,
    quantize_nf4,
    smooth,
    two_four_mask,
)

D = torch.float64


def w_with_outlier_rows(seed=0):
    w = torch.randn(6, 32, dtype=D, generator=torch.Generator().manual_seed(seed))
    w[2] *= 50  # one outlier channel
    return w


def test_per_channel_matches_torch_fake_quantize_and_error_bound():
    w = w_with_outlier_rows()
    q, s = quantize(w, bits=8, axis=0)
    deq = dequantize(q, s)
    ref = torch.fake_quantize_per_channel_affine(
        w.float(), s.flatten().float(), torch.zeros(6, dtype=torch.int32), 0, -127, 127
    )
    torch.testing.assert_close(deq.float(), ref)
    assert ((deq - w).abs() <= s / 2 + 1e-12).all()


@pytest.mark.parametrize("bits", [2, 4, 8])
def test_finer_scales_never_have_larger_error_bounds(bits):
    w = w_with_outlier_rows(1)
    _, s_t = quantize(w, bits=bits)
    q_c, s_c = quantize(w, bits=bits, axis=0)
    q_g, s_g = quantize(w, bits=bits, group_size=8)
    assert (s_c <= s_t).all()  # per-channel scale <= per-tensor scale, so the bound s/2 is tighter
    assert (s_g.reshape(6, 4) <= s_c).all()
    for q, s, shape in [(q_c, s_c, None), (q_g, s_g, w.shape)]:
        assert ((dequantize(q, s, shape) - w).abs().reshape(6, -1).max(1).values <= s_c.flatten() / 2 + 1e-12).all()
    e_tensor = (dequantize(*quantize(w, bits=bits)) - w).abs().mean()
    assert (dequantize(q_c, s_c) - w).abs().mean() < e_tensor  # outliers wreck one shared scale


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=20), st.floats(0.05, 1.0), st.integers(-3, 3))
def test_fake_quant_forward_and_ste_backward_match_torch(xs, scale, zp):
    x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
    y = x.detach().clone().requires_grad_()
    ours = fake_quant(x, scale, zp, -8, 7)
    ref = torch.fake_quantize_per_tensor_affine(y, scale, zp, -8, 7)
    torch.testing.assert_close(ours, ref)
    up = torch.randn(len(xs), generator=torch.Generator().manual_seed(0))
    (ours * up).sum().backward()
    (ref * up).sum().backward()
    torch.testing.assert_close(x.grad, y.grad)


@pytest.mark.parametrize("fmt,dtype", [("e4m3", torch.float8_e4m3fn), ("e5m2", torch.float8_e5m2)])
def test_fp8_rounding_matches_torch_casts(fmt, dtype):
    g = torch.Generator().manual_seed(0)
    x = torch.cat(
        [
            torch.randn(2000, generator=g) * 10.0 ** torch.randint(-4, 4, (2000,), generator=g),
            torch.tensor([0.0, 448.0, -57344.0]),
        ]
    )
    fmax = 448.0 if fmt == "e4m3" else 57344.0
    x = x[x.abs() <= fmax]
    torch.testing.assert_close(fp8_round(x, fmt), x.to(dtype).float(), rtol=0, atol=0)
    assert fp8_round(torch.tensor([1e6]), fmt).item() == fmax  # saturates


def test_nf4_codebook_equals_bitsandbytes_table():
    bnb = [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
           -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
           0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023,
           1.0]  # fmt: skip
    torch.testing.assert_close(nf4_codebook(), torch.tensor(bnb, dtype=D), rtol=0, atol=1e-6)


def test_nf4_round_trip_picks_nearest_level():
    w = torch.randn(4, 64, dtype=D, generator=torch.Generator().manual_seed(2))
    codes, absmax = quantize_nf4(w)
    deq = dequantize_nf4(codes, absmax, w.shape)
    gaps = nf4_codebook().diff().max()
    assert ((deq - w).abs() <= absmax * gaps / 2 + 1e-12).all()
    assert codes.max() < 16


def test_double_quantization_constant_cost_M34():
    assert quant_constant_bits(64) == 0.5
    assert quant_constant_bits(64, double_quant=True) == pytest.approx(0.127, abs=5e-4)
    assert quant_constant_bits(64) - quant_constant_bits(64, double_quant=True) == pytest.approx(0.373, abs=5e-4)


def test_smoothquant_is_exact():
    g = torch.Generator().manual_seed(3)
    x, w = torch.randn(5, 8, dtype=D, generator=g), torch.randn(8, 4, dtype=D, generator=g)
    x[:, 1] *= 100  # an activation outlier channel
    xs, ws = smooth(x, w, 0.5)
    torch.testing.assert_close(xs @ ws, x @ w)
    assert xs.abs().max() < x.abs().max()


def test_magnitude_prune_matches_torch_l1_unstructured():
    w = torch.randn(8, 8, generator=torch.Generator().manual_seed(4))
    lin = torch.nn.Linear(8, 8)
    with torch.no_grad():
        lin.weight.copy_(w)
    prune.l1_unstructured(lin, "weight", amount=0.75)
    assert torch.equal(magnitude_prune(w, 0.75), lin.weight_mask)


def test_two_four_keeps_exactly_two_of_every_four():
    w = torch.randn(3, 16, generator=torch.Generator().manual_seed(5))
    m = two_four_mask(w)
    assert (m.reshape(3, 4, 4).sum(-1) == 2).all()
    kept = (w.abs() * m).reshape(3, 4, 4)
    dropped = (w.abs() * (1 - m)).reshape(3, 4, 4)
    assert (kept.max(-1).values >= dropped.max(-1).values).all()
    with pytest.raises(ValueError, match="multiple of 4"):
        two_four_mask(torch.zeros(2, 6))


def test_qlora_70b_weights_M47():
    from mldrill.ref.quantization import qlora_weight_bytes

    weights, consts = qlora_weight_bytes(70e9)
    assert weights == pytest.approx(35e9)
    assert consts == pytest.approx(1.11e9, rel=0.01)


def calibration(seed=7):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(256, 32, dtype=D, generator=g) @ torch.randn(32, 32, dtype=D, generator=g)  # correlated inputs
    x[:, 3] *= 8  # a salient input channel
    w = torch.randn(16, 32, dtype=D, generator=g)
    return w, x


def rtn_error(w, x, bits):
    qmax = 2 ** (bits - 1) - 1
    s = w.abs().amax(1, keepdim=True) / qmax
    return float(((x @ (torch.round(w / s).clamp(-qmax, qmax) * s).T - x @ w.T) ** 2).mean())


@pytest.mark.parametrize("bits", [3, 4])
def test_gptq_beats_round_to_nearest_on_calibration_data(bits):
    from mldrill.ref.quantization import gptq_quantize

    w, x = calibration()
    q = gptq_quantize(w, x, bits=bits)
    qmax = 2 ** (bits - 1) - 1
    grid = w.abs().amax(1, keepdim=True) / qmax
    torch.testing.assert_close(torch.round(q / grid), q / grid)  # every weight is on the per-row grid
    assert float(((x @ q.T - x @ w.T) ** 2).mean()) < rtn_error(w, x, bits)


def test_awq_never_worse_than_rtn_on_calibration_data():
    from mldrill.ref.quantization import awq_scale_search

    w, x = calibration(8)
    a, wq = awq_scale_search(w, x, bits=4)
    err = float(((x @ wq.T - x @ w.T) ** 2).mean())
    assert err <= rtn_error(w, x, 4) + 1e-15
    assert a > 0  # the salient channel makes a non-trivial scale the winner
