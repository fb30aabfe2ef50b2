"""cnn: conv2d (direct and im2col), transposed conv and pooling vs torch in float64 (forward + backward);
shape, parameter and receptive-field arithmetic vs nn.Conv2d and autograd; M18; ResNet-18 parameter count."""

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref import cnn as C
from oracles import check_against_torch

CONFIGS = [  # (c_in, c_out, k, stride, padding, dilation, groups, H, W)
    (2, 3, 3, 1, 0, 1, 1, 5, 6),
    (2, 4, 3, 2, 1, 1, 2, 7, 6),
    (3, 3, (2, 3), (2, 1), (1, 0), (2, 1), 3, 7, 8),
    (4, 2, 1, 1, 0, 1, 1, 3, 3),
    (2, 2, 3, 1, 2, 2, 1, 5, 5),
]


@pytest.mark.parametrize("impl", [C.conv2d, C.conv2d_im2col])
@pytest.mark.parametrize("cfg", CONFIGS)
def test_conv2d_matches_torch(impl, cfg):
    c_in, c_out, k, s, p, d, g, h, w = cfg
    kh, kw = (k, k) if isinstance(k, int) else k
    kw_ = dict(stride=s, padding=p, dilation=d, groups=g)
    check_against_torch(
        lambda x, wt, b: impl(x, wt, b, **kw_),
        lambda x, wt, b: F.conv2d(x, wt, b, **kw_),
        [(2, c_in, h, w), (c_out, c_in // g, kh, kw), (c_out,)],
    )


@settings(max_examples=20, deadline=None)
@given(
    c_in=st.integers(1, 3), c_out=st.integers(1, 3), k=st.integers(1, 3), s=st.integers(1, 3),
    p=st.integers(0, 2), d=st.integers(1, 2), h=st.integers(4, 8), seed=st.integers(0, 99),
)  # fmt: skip
def test_im2col_equals_direct_random(c_in, c_out, k, s, p, d, h, seed):
    if h + 2 * p < d * (k - 1) + 1:
        return
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, c_in, h, h + 1, dtype=torch.float64, generator=g)
    w = torch.randn(c_out, c_in, k, k, dtype=torch.float64, generator=g)
    kw = dict(stride=s, padding=p, dilation=d)
    torch.testing.assert_close(C.conv2d_im2col(x, w, **kw), C.conv2d(x, w, **kw), rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(C.conv2d(x, w, **kw), F.conv2d(x, w, **kw), rtol=1e-10, atol=1e-12)
    assert C.conv2d(x, w, **kw).shape[-2] == C.conv_output_shape(h, k, stride=s, padding=p, dilation=d)


def test_m18_conv_is_cross_correlation_not_convolution():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(5, 6)), rng.normal(size=(3, 3))
    ours = C.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None])[0, 0].numpy()
    np.testing.assert_allclose(ours, scipy.signal.correlate2d(x, w, mode="valid"), rtol=1e-12)
    assert not np.allclose(ours, scipy.signal.convolve2d(x, w, mode="valid"))


def test_conv_rejects_bad_groups():
    with pytest.raises(ValueError, match="inconsistent"):
        C.conv2d(torch.zeros(1, 4, 3, 3), torch.zeros(2, 3, 1, 1), groups=2)


@pytest.mark.parametrize(
    "c_in,c_out,k,s,p,op,g,d",
    [(2, 3, 3, 1, 0, 0, 1, 1), (2, 3, 3, 2, 1, 1, 1, 1), (4, 2, (2, 3), (2, 3), (0, 1), (1, 2), 2, 1),
     (2, 2, 3, 2, 1, 0, 1, 2)],
)  # fmt: skip
def test_conv_transpose2d_matches_torch(c_in, c_out, k, s, p, op, g, d):
    kh, kw = (k, k) if isinstance(k, int) else k
    kwargs = dict(stride=s, padding=p, output_padding=op, groups=g, dilation=d)
    check_against_torch(
        lambda x, w, b: C.conv_transpose2d(x, w, b, **kwargs),
        lambda x, w, b: F.conv_transpose2d(x, w, b, **kwargs),
        [(2, c_in, 4, 3), (c_in, c_out // g, kh, kw), (c_out,)],
    )


def test_transposed_conv_is_the_gradient_of_conv():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(1, 2, 7, 7, dtype=torch.float64, generator=g, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, dtype=torch.float64, generator=g)
    y = C.conv2d(x, w, stride=2, padding=1)
    up = torch.randn(y.shape, dtype=torch.float64, generator=g)
    (grad_x,) = torch.autograd.grad((y * up).sum(), x)
    torch.testing.assert_close(C.conv_transpose2d(up, w, stride=2, padding=1), grad_x)


@pytest.mark.parametrize("k,s,p,d", [(2, None, 0, 1), (3, 2, 1, 1), ((2, 3), (1, 2), (1, 1), 1), (2, 1, 0, 2)])
def test_max_pool_matches_torch(k, s, p, d):
    check_against_torch(
        lambda x: C.max_pool2d(x, k, stride=s, padding=p, dilation=d),
        lambda x: F.max_pool2d(x, k, stride=s, padding=p, dilation=d),
        [(2, 3, 6, 7)],
    )


@pytest.mark.parametrize("include", [True, False])
@pytest.mark.parametrize("k,s,p", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 1))])
def test_avg_pool_matches_torch(k, s, p, include):
    check_against_torch(
        lambda x: C.avg_pool2d(x, k, stride=s, padding=p, count_include_pad=include),
        lambda x: F.avg_pool2d(x, k, stride=s, padding=p, count_include_pad=include),
        [(2, 3, 6, 7)],
    )


def test_global_avg_pool_any_resolution():
    for hw in [(5, 5), (9, 4)]:
        check_against_torch(C.global_avg_pool, lambda x: F.adaptive_avg_pool2d(x, 1).flatten(1), [(2, 3, *hw)])


def test_pointwise_and_depthwise_separable():
    check_against_torch(C.pointwise_conv, lambda x, w: F.conv2d(x, w[:, :, None, None]), [(2, 4, 3, 3), (5, 4)])
    check_against_torch(
        lambda x, dw, pw: C.depthwise_separable(x, dw, pw, padding=1),
        lambda x, dw, pw: F.conv2d(F.conv2d(x, dw, padding=1, groups=4), pw[:, :, None, None]),
        [(2, 4, 5, 5), (4, 1, 3, 3), (6, 4)],
    )


def test_depthwise_separable_cost_ratio():
    c_in, c_out, k = 64, 128, 3
    full = C.conv_macs(c_in, c_out, k, 10, 10)
    sep = C.conv_macs(c_in, c_in, k, 10, 10, groups=c_in) + C.conv_macs(c_in, c_out, 1, 10, 10)
    assert sep / full == pytest.approx(1 / c_out + 1 / k**2)
    assert 8 < full / sep < 9


@pytest.mark.parametrize("c_in,c_out,k,bias,groups", [(3, 8, 3, True, 1), (4, 6, (1, 5), False, 2), (6, 6, 3, True, 6)])
def test_conv_params_match_nn_conv2d(c_in, c_out, k, bias, groups):
    m = torch.nn.Conv2d(c_in, c_out, k, bias=bias, groups=groups)
    assert C.conv_params(c_in, c_out, k, bias=bias, groups=groups) == sum(p.numel() for p in m.parameters())


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 40), k=st.integers(1, 7), s=st.integers(1, 4), p=st.integers(0, 3), d=st.integers(1, 3))
def test_conv_output_shape_matches_nn_conv2d(h, k, s, p, d):
    if h + 2 * p < d * (k - 1) + 1:
        return
    m = torch.nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
    assert m(torch.zeros(1, 1, h, h)).shape[-1] == C.conv_output_shape(h, k, stride=s, padding=p, dilation=d)
    mt = torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=min(p, (k - 1) * d // 2), dilation=d)
    pt = min(p, (k - 1) * d // 2)
    assert mt(torch.zeros(1, 1, h, h)).shape[-1] == C.conv_transpose_output_shape(
        h, k, stride=s, padding=pt, dilation=d
    )


def test_same_padding_keeps_size():
    for k in [3, 5, 7]:
        assert C.conv_output_shape(17, k, padding=(k - 1) // 2) == 17


@pytest.mark.parametrize(
    "layers", [[(3, 1), (3, 1)], [(3, 2), (3, 2), (3, 1)], [(3, 1, 2), (3, 1, 4)], [(5, 1)], [(7, 2), (3, 2), (3, 1)]]
)
def test_receptive_field_equals_support_of_input_gradient(layers):
    size = 41
    x = torch.zeros(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, *d in layers:
        y = F.conv2d(y, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s, dilation=d[0] if d else 1)
    y[0, 0, y.shape[-2] // 2, y.shape[-1] // 2].backward()
    support = (x.grad[0, 0].abs().sum(0) > 0).nonzero()
    assert support.max() - support.min() + 1 == C.receptive_field(layers)


def test_two_3x3_see_as_far_as_one_5x5_with_fewer_params():
    assert C.receptive_field([(3, 1), (3, 1)]) == C.receptive_field([(5, 1)]) == 5
    c = 64
    assert 2 * C.conv_params(c, c, 3, bias=False) == 18 * c * c < C.conv_params(c, c, 5, bias=False) == 25 * c * c


def test_shift_equivariance_with_circular_padding():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 2, 8, 8, dtype=torch.float64, generator=g)
    w = torch.randn(3, 2, 3, 3, dtype=torch.float64, generator=g)

    def f(t):
        return C.conv2d(F.pad(t, (1, 1, 1, 1), mode="circular"), w)

    torch.testing.assert_close(f(torch.roll(x, (2, 3), (2, 3))), torch.roll(f(x), (2, 3), (2, 3)))
    strided = C.conv2d(F.pad(x, (1, 1, 1, 1), mode="circular"), w, stride=2)
    shifted = C.conv2d(F.pad(torch.roll(x, 1, 3), (1, 1, 1, 1), mode="circular"), w, stride=2)
    assert not any(torch.allclose(torch.roll(strided, r, 3), shifted) for r in range(4))  # stride breaks it


def test_basic_block_identity_and_projection():
    blk = C.BasicBlock(8, 8)
    assert blk.downsample is None
    assert C.BasicBlock(8, 16).downsample is not None and C.BasicBlock(8, 8, stride=2).downsample is not None
    assert C.BasicBlock(8, 16, 2)(torch.randn(2, 8, 8, 8)).shape == (2, 16, 4, 4)
    z = C.BasicBlock(4, 4, zero_init_residual=True).eval()
    x = torch.relu(torch.randn(2, 4, 5, 5))
    torch.testing.assert_close(z(x), x)  # identity at init for non-negative inputs


def test_resnet18_parameter_count_matches_torchvision():
    m = C.ResNet((2, 2, 2, 2), num_classes=1000)
    assert sum(p.numel() for p in m.parameters()) == 11_689_512  # torchvision.models.resnet18
    small = C.ResNet((1, 1), num_classes=10, width=4)
    assert small(torch.randn(2, 3, 32, 32)).shape == (2, 10)


def test_im2col_layout_matches_f_unfold():
    x = torch.randn(2, 3, 7, 6, dtype=torch.float64)
    for kw in [dict(stride=1, padding=0, dilation=1), dict(stride=2, padding=1, dilation=2)]:
        torch.testing.assert_close(C.im2col(x, 3, 2, **kw), F.unfold(x, (3, 2), **kw), rtol=0, atol=0)
