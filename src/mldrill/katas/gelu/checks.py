"""Hidden checks for the gelu kata. Expected values: F.gelu (exact and tanh) and the sigmoid closed form."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_close


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    x = rng.normal(size=(4, 6)) * 3
    wide = np.linspace(-6, 6, 49) + rng.uniform(-0.1, 0.1, 49)  # |exact - tanh| peaks near |x| ~ 2 at ~5e-4
    xt, wt = torch.from_numpy(x), torch.from_numpy(wide)
    return [
        Check("exact GELU is x Phi(x)", "'none' is the erf form (PyTorch's default), x Phi(x) with the normal CDF "
              "Phi(x) = (1 + erf(x / sqrt(2))) / 2: both the 1/2 and the sqrt(2) belong to it. The tanh form differs "
              "by up to 5e-4, far above the tolerance (M7).", [Call((T(x),)), Call((T(wide), "none"))],
              expect_close([F.gelu(xt).numpy(), F.gelu(wt).numpy()], atol=1e-12, rtol=1e-10)),
        Check("tanh approximation (GPT-2)", "0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as "
              "F.gelu(approximate='tanh').", [Call((T(wide), "tanh"))],
              expect_close([F.gelu(wt, approximate="tanh").numpy()], atol=1e-12, rtol=1e-10)),
        Check("sigmoid approximation", "x sigmoid(1.702 x) (x sigmoid(x) is SiLU, another activation): off by up to "
              "~0.02 from the exact GELU, so only use it when that is the model's definition.",
              [Call((T(wide), "sigmoid"))],
              expect_close([(wt * torch.sigmoid(1.702 * wt)).numpy()], atol=1e-12, rtol=1e-10)),
    ]  # fmt: skip
