"""Classic wrong 2-D convolutions, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def conv2d(x, weight, bias=None, *, stride=1, padding=0):
    n, c, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    p = padding
    xp = x.new_zeros(n, c, h + 2 * p, w + 2 * p)
    xp[:, :, p : p + h, p : p + w] = x
    h_out = (h + 2 * p - kh) // stride + 1
    w_out = (w + 2 * p - kw) // stride + 1
    y = x.new_zeros(n, c_out, h_out, w_out)
    for u in range(kh):
        for v in range(kw):
            patch = xp[:, :, u : u + stride * (h_out - 1) + 1 : stride, v : v + stride * (w_out - 1) + 1 : stride]
            y += torch.einsum("nchw,oc->nohw", patch, weight[:, :, u, v])
    if bias is not None:
        y += bias.view(1, -1, 1, 1)
    return y
"""

GENERIC = "matches F.conv2d (stride 1, no padding)"
FLIP = "cross-correlation: the kernel is not flipped"
STRIDE = "stride 2: output size floor((H + 2P - K) / S) + 1"
PAD = "zero padding on every side"
RECT = "rectangular kernel: K_h rows, K_w columns"
BIAS = "a bias per output channel"
BOTH = "stride and padding together"

MUTANTS = [
    mutant(
        "kernel flipped (a true convolution)",
        "weight[:, :, u, v]",
        "weight[:, :, kh - 1 - u, kw - 1 - v]",
        FLIP,
        GENERIC,
    ),
    Mutant(
        "padding on one side only",
        (
            ("xp = x.new_zeros(n, c, h + 2 * p, w + 2 * p)", "xp = x.new_zeros(n, c, h + p, w + p)"),
            ("h_out = (h + 2 * p - kh)", "h_out = (h + p - kh)"),
            ("w_out = (w + 2 * p - kw)", "w_out = (w + p - kw)"),
        ),
        PAD,
        (BOTH,),
    ),
    Mutant(
        "output size rounded up",
        (
            ("h_out = (h + 2 * p - kh) // stride + 1", "h_out = -(-(h + 2 * p - kh) // stride) + 1"),
            ("w_out = (w + 2 * p - kw) // stride + 1", "w_out = -(-(w + 2 * p - kw) // stride) + 1"),
        ),
        STRIDE,
        (BOTH,),
    ),
    mutant(
        "stride steps the kernel taps, not the output",
        "u : u + stride * (h_out - 1) + 1 : stride, v : v + stride * (w_out - 1) + 1 : stride",
        "stride * u : stride * u + h_out, stride * v : stride * v + w_out",
        STRIDE,
        BOTH,
    ),
    mutant(
        "K_w used for the rows too",
        "c_out, _, kh, kw = weight.shape",
        "c_out, _, _, kw = weight.shape\n    kh = kw",
        RECT,
    ),
    mutant("bias ignored", "    if bias is not None:\n        y +=", "    if False:\n        y +=", BIAS),
    mutant("bias added along the last axis", "bias.view(1, -1, 1, 1)", "bias", BIAS),  # (C_out,) meets W_out
    mutant(
        "weight's channel axes swapped",
        '"nchw,oc->nohw", patch, weight[:, :, u, v]',
        '"nchw,co->nohw", patch, weight[:, :, u, v]',
        GENERIC,
        # every check but the flip's (one channel in and out) has C_in != C_out, so the contraction fails in each
        STRIDE,
        PAD,
        RECT,
        BIAS,
        BOTH,
    ),
]
