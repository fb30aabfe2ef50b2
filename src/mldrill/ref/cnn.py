"""2-D convolution (direct and im2col), transposed convolution, pooling, shape/receptive-field arithmetic, ResNet block.

out[n, o, y, x] = b[o] + sum_{c in group(o), i, j} w[o, c, i, j] * xpad[n, c, y*s + i*d, x*s + j*d]
It is cross-correlation: the kernel is *not* flipped (M18; scipy.signal.correlate2d matches, convolve2d flips).

output size  H_out = floor((H + 2p - d (k - 1) - 1) / s) + 1       ("same" needs s = 1, odd k, p = (k - 1) / 2)
params       C_out (k_h k_w C_in / groups + 1);  MACs = H_out W_out C_out k_h k_w C_in / groups (1 MAC = 2 FLOPs)
receptive    RF_l = RF_{l-1} + (k_eff,l - 1) * prod_{m<l} s_m,  k_eff = k + (k - 1)(d - 1)
transposed   H_out = (H - 1) s - 2p + d (k - 1) + output_padding + 1: the adjoint (gradient) of conv2d
depthwise-separable: groups = C_in depthwise k x k, then 1 x 1 pointwise: cost ratio 1/C_out + 1/k^2

`conv2d` loops over the k_h x k_w kernel taps and is the readable oracle; `conv2d_im2col` gathers every patch into a
column matrix and does one matmul, the fast path. Both are differentiable by autograd and tested against
F.conv2d / F.conv_transpose2d / F.max_pool2d / F.avg_pool2d (tests/ref/test_cnn.py). Pooling has no ceil_mode.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

IntPair = int | tuple[int, int]


def _pair(v: IntPair) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def conv_output_shape(size: int, kernel: int, *, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def conv_transpose_output_shape(
    size: int, kernel: int, *, stride: int = 1, padding: int = 0, output_padding: int = 0, dilation: int = 1
) -> int:
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def _pad(x: torch.Tensor, ph: int, pw: int, value: float = 0.0) -> torch.Tensor:
    n, c, h, w = x.shape
    out = x.new_full((n, c, h + 2 * ph, w + 2 * pw), value)  # (N, C, H + 2ph, W + 2pw)
    out[:, :, ph : ph + h, pw : pw + w] = x
    return out


def conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> torch.Tensor:
    """Readable conv: for each kernel tap (i, j), a strided slice of the padded input times w[:, :, i, j]."""
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n, c_in, h, w = x.shape
    c_out, cg_in, kh, kw = weight.shape
    if c_in != cg_in * groups or c_out % groups:
        raise ValueError(f"channels: input {c_in}, weight {tuple(weight.shape)}, groups {groups} are inconsistent")
    h_out = conv_output_shape(h, kh, stride=sh, padding=ph, dilation=dh)
    w_out = conv_output_shape(w, kw, stride=sw, padding=pw, dilation=dw)
    xp = _pad(x, ph, pw)
    cg_out = c_out // groups
    outs = []
    for g in range(groups):
        xg = xp[:, g * cg_in : (g + 1) * cg_in]  # (N, C_in/G, Hp, Wp)
        wg = weight[g * cg_out : (g + 1) * cg_out]  # (C_out/G, C_in/G, kh, kw)
        acc = x.new_zeros((n, cg_out, h_out, w_out))
        for i in range(kh):
            for j in range(kw):
                tap = xg[:, :, i * dh : i * dh + sh * (h_out - 1) + 1 : sh, j * dw : j * dw + sw * (w_out - 1) + 1 : sw]
                acc = acc + torch.einsum("nchw,oc->nohw", tap, wg[:, :, i, j])  # (N, C_out/G, H_out, W_out)
        outs.append(acc)
    out = torch.cat(outs, dim=1)  # (N, C_out, H_out, W_out)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


def im2col(
    x: torch.Tensor, kh: int, kw: int, *, stride: IntPair = 1, padding: IntPair = 0, dilation: IntPair = 1
) -> torch.Tensor:
    """Every receptive-field patch as a column: (N, C, H, W) -> (N, C * kh * kw, H_out * W_out), channel-major
    (the layout of F.unfold). Copying with the output positions innermost keeps the copy close to sequential."""
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    xp = _pad(x, ph, pw)
    eff_h, eff_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    patches = xp.unfold(2, eff_h, sh).unfold(3, eff_w, sw)  # (N, C, H_out, W_out, eff_h, eff_w), a strided view
    patches = patches[..., ::dh, ::dw]  # (N, C, H_out, W_out, kh, kw)
    n, c, h_out, w_out = patches.shape[:4]
    return patches.permute(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, h_out * w_out)  # (N, C*kh*kw, L)


def conv2d_im2col(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> torch.Tensor:
    """Fast path: one (batched) matmul of the flattened kernels with the patch matrix."""
    n, _, h, w = x.shape
    c_out, cg_in, kh, kw = weight.shape
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    h_out = conv_output_shape(h, kh, stride=sh, padding=ph, dilation=dh)
    w_out = conv_output_shape(w, kw, stride=sw, padding=pw, dilation=dw)
    cols = im2col(x, kh, kw, stride=stride, padding=padding, dilation=dilation)  # (N, C_in*kh*kw, L)
    if groups == 1:
        out = weight.reshape(c_out, -1) @ cols  # (N, C_out, L)
    else:
        cols = cols.reshape(n, groups, cg_in * kh * kw, h_out * w_out)  # (N, G, K, L)
        wg = weight.reshape(groups, c_out // groups, -1)  # (G, C_out/G, K)
        out = (wg @ cols).reshape(n, c_out, h_out * w_out)  # (N, C_out, L)
    out = out.reshape(n, c_out, h_out, w_out)  # (N, C_out, H_out, W_out)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


def conv_transpose2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    output_padding: IntPair = 0,
    groups: int = 1,
    dilation: IntPair = 1,
) -> torch.Tensor:
    """Scatter each input pixel times the kernel into the output (weight: (C_in, C_out / G, kh, kw)), then crop."""
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = _pair(stride), _pair(padding), _pair(output_padding), _pair(dilation)
    n, c_in, h, w = x.shape
    _, cg_out, kh, kw = weight.shape
    cg_in = c_in // groups
    full_h = (h - 1) * sh + dh * (kh - 1) + 1 + oph
    full_w = (w - 1) * sw + dw * (kw - 1) + 1 + opw
    outs = []
    for g in range(groups):
        xg = x[:, g * cg_in : (g + 1) * cg_in]  # (N, C_in/G, H, W)
        wg = weight[g * cg_in : (g + 1) * cg_in]  # (C_in/G, C_out/G, kh, kw)
        buf = x.new_zeros((n, cg_out, full_h, full_w))
        for i in range(kh):
            for j in range(kw):
                contrib = torch.einsum("nchw,co->nohw", xg, wg[:, :, i, j])  # (N, C_out/G, H, W)
                buf[:, :, i * dh : i * dh + sh * (h - 1) + 1 : sh, j * dw : j * dw + sw * (w - 1) + 1 : sw] += contrib
        outs.append(buf)
    out = torch.cat(outs, dim=1)[:, :, ph : full_h - ph, pw : full_w - pw]  # crop the padding
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


def max_pool2d(
    x: torch.Tensor, kernel: IntPair, *, stride: IntPair | None = None, padding: IntPair = 0, dilation: IntPair = 1
) -> torch.Tensor:
    """Padding is -inf (it never wins). Stride defaults to the kernel size, as in torch."""
    (kh, kw), (ph, pw), (dh, dw) = _pair(kernel), _pair(padding), _pair(dilation)
    sh, sw = _pair(stride if stride is not None else kernel)
    xp = _pad(x, ph, pw, value=-math.inf)
    win = xp.unfold(2, dh * (kh - 1) + 1, sh).unfold(3, dw * (kw - 1) + 1, sw)[..., ::dh, ::dw]  # (N,C,Ho,Wo,kh,kw)
    return win.amax(dim=(-2, -1))  # (N, C, H_out, W_out)


def avg_pool2d(
    x: torch.Tensor,
    kernel: IntPair,
    *,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    count_include_pad: bool = True,
) -> torch.Tensor:
    (kh, kw), (ph, pw) = _pair(kernel), _pair(padding)
    sh, sw = _pair(stride if stride is not None else kernel)
    total = _pad(x, ph, pw).unfold(2, kh, sh).unfold(3, kw, sw).sum(dim=(-2, -1))  # (N, C, H_out, W_out)
    if count_include_pad:
        return total / (kh * kw)
    ones = _pad(torch.ones_like(x[:1, :1]), ph, pw)
    count = ones.unfold(2, kh, sh).unfold(3, kw, sw).sum(dim=(-2, -1))  # (1, 1, H_out, W_out)
    return total / count


def global_avg_pool(x: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (N, C): works at any input resolution, unlike a fixed flatten + Linear."""
    return x.mean(dim=(-2, -1))


def pointwise_conv(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """1x1 conv = a per-pixel Linear over channels: weight (C_out, C_in) or (C_out, C_in, 1, 1)."""
    return torch.einsum("nchw,oc->nohw", x, weight.reshape(weight.shape[0], -1))  # (N, C_out, H, W)


def depthwise_separable(
    x: torch.Tensor, dw_weight: torch.Tensor, pw_weight: torch.Tensor, *, stride: int = 1, padding: int = 0
) -> torch.Tensor:
    """Depthwise k x k (dw_weight (C_in, 1, k, k), groups = C_in), then pointwise 1x1 (pw_weight (C_out, C_in))."""
    y = conv2d_im2col(x, dw_weight, stride=stride, padding=padding, groups=x.shape[1])  # (N, C_in, H', W')
    return pointwise_conv(y, pw_weight)  # (N, C_out, H', W')


def conv_params(c_in: int, c_out: int, kernel: IntPair, *, bias: bool = True, groups: int = 1) -> int:
    kh, kw = _pair(kernel)
    return c_out * (kh * kw * c_in // groups) + (c_out if bias else 0)


def conv_macs(c_in: int, c_out: int, kernel: IntPair, h_out: int, w_out: int, *, groups: int = 1) -> int:
    kh, kw = _pair(kernel)
    return h_out * w_out * c_out * kh * kw * c_in // groups


def receptive_field(layers: Sequence[tuple[int, int] | tuple[int, int, int]]) -> int:
    """Receptive field of a stack of (kernel, stride[, dilation]) layers, in input pixels."""
    rf, jump = 1, 1
    for layer in layers:
        k, s, d = (*layer, 1) if len(layer) == 2 else layer
        rf += (d * (k - 1)) * jump
        jump *= s
    return rf


class BasicBlock(nn.Module):
    """ResNet basic block (He et al., 2016): conv3x3-BN-ReLU-conv3x3-BN, plus the shortcut, then ReLU.

    The shortcut is a 1x1 conv + BN only when the shape changes (stride or channels); otherwise the identity, so the
    clean identity path is kept. Names follow torchvision (conv1, bn1, conv2, bn2, downsample).
    `zero_init_residual` sets bn2.weight = 0 so that the block starts as the identity (Goyal et al., 2017).
    """

    def __init__(self, c_in: int, c_out: int, stride: int = 1, *, zero_init_residual: bool = False):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.downsample: nn.Module | None = None
        if stride != 1 or c_in != c_out:
            self.downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))
        if zero_init_residual:
            nn.init.zeros_(self.bn2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return torch.relu(out + identity)


class ResNet(nn.Module):
    """ResNet with basic blocks; layers = [2, 2, 2, 2] is ResNet-18 (11,689,512 parameters at 1000 classes)."""

    def __init__(self, layers: Sequence[int] = (2, 2, 2, 2), num_classes: int = 1000, width: int = 64):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        stages, c = [], width
        for i, n in enumerate(layers):
            c_out = width * 2**i
            blocks = [BasicBlock(c, c_out, 1 if i == 0 else 2)] + [BasicBlock(c_out, c_out) for _ in range(n - 1)]
            stages.append(nn.Sequential(*blocks))
            c = c_out
        self.layers = nn.Sequential(*stages)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.bn1(self.conv1(x)))  # (N, 64, H/2, W/2)
        x = nn.functional.max_pool2d(x, 3, 2, 1)  # (N, 64, H/4, W/4)
        x = self.layers(x)  # (N, 512, H/32, W/32)
        return self.fc(global_avg_pool(x))  # (N, num_classes)
