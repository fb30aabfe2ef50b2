"""Hidden checks for the conv2d kata. Expected values come from torch.nn.functional.conv2d."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_close


def _conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: int = 1, padding: int = 0) -> np.ndarray:
    bt = None if b is None else torch.from_numpy(b)
    return F.conv2d(torch.from_numpy(x), torch.from_numpy(w), bt, stride=stride, padding=padding).numpy()


def _point_symmetric(w: np.ndarray) -> np.ndarray:
    """w made equal to itself rotated by 180 degrees: flipping the kernel then changes nothing, so a check using it
    sees only its own trap."""
    return (w + w[..., ::-1, ::-1]) / 2


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    x1, w1 = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 3))
    asym = rng.normal(size=(1, 1, 5, 5)), np.arange(9.0).reshape(1, 1, 3, 3)  # flipping changes every output
    x2, w2 = rng.normal(size=(1, 2, 7, 7)), _point_symmetric(rng.normal(size=(3, 2, 3, 3)))
    x2b = rng.normal(size=(1, 2, 8, 9))  # (8 - 3) / 2 and (9 - 3) / 2: floor and ceil differ in the rows
    x3, w3 = rng.normal(size=(2, 2, 5, 6)), _point_symmetric(rng.normal(size=(3, 2, 2, 4)))
    x4, w4, b4 = rng.normal(size=(2, 2, 5, 6)), _point_symmetric(rng.normal(size=(3, 2, 3, 3))), rng.normal(size=3)
    return [
        Check(
            "matches F.conv2d (stride 1, no padding)",
            "Sum over input channels and kernel taps (weight is (C_out, C_in, K_h, K_w): x's channels meet weight's "
            "second axis); the output is (N, C_out, H - K_h + 1, W - K_w + 1).",
            [Call((T(x1), T(w1)))],
            expect_close([_conv(x1, w1)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "cross-correlation: the kernel is not flipped",
            "F.conv2d computes a cross-correlation (scipy's correlate2d); flipping the kernel gives a true "
            "convolution (convolve2d), which is a different output (M18).",
            [Call((T(asym[0]), T(asym[1])))],
            expect_close([_conv(*asym)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "stride 2: output size floor((H + 2P - K) / S) + 1",
            "With H = 7, K = 3, S = 2 the output has 3 rows, with H = 8 still 3 (the floor): forgetting the +1 or "
            "rounding up gives the wrong shape. Output (i, j) reads the input from (i S, j S): the stride moves the "
            "window, not the taps inside it.",
            [Call((T(x2), T(w2)), {"stride": 2}), Call((T(x2b), T(w2)), {"stride": 2})],
            expect_close([_conv(x2, w2, stride=2), _conv(x2b, w2, stride=2)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "zero padding on every side",
            "padding = P adds P zero rows/columns on each side: H + 2P, not H + P.",
            [Call((T(x2), T(w2)), {"padding": 1}), Call((T(x2b), T(w2)), {"padding": 2})],
            expect_close([_conv(x2, w2, padding=1), _conv(x2b, w2, padding=2)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "stride and padding together",
            "Pad first, then stride over the padded input: H_out = floor((H + 2P - K) / S) + 1.",
            [Call((T(x2), T(w2)), {"stride": 2, "padding": 2})],
            expect_close([_conv(x2, w2, stride=2, padding=2)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "rectangular kernel: K_h rows, K_w columns",
            "Kernels need not be square: weight.shape[2] is the height K_h and weight.shape[3] the width K_w.",
            [Call((T(x3), T(w3)))],
            expect_close([_conv(x3, w3)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "a bias per output channel",
            "The bias adds b_o to every position of output channel o: reshape it to (1, C_out, 1, 1) so it "
            "broadcasts over the channel axis, not the last (width) axis.",
            [Call((T(x4), T(w4), T(b4)))],
            expect_close([_conv(x4, w4, b4)], atol=1e-10, rtol=1e-8),
        ),
    ]
