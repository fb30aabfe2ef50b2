"""Hidden checks for the label-smoothed-cross-entropy kata. Expected values come from F.cross_entropy."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="loss")


def _ce(z: np.ndarray, y: np.ndarray, eps: float, ignore_index: int = -100) -> np.ndarray:
    zt, yt = torch.from_numpy(z), torch.from_numpy(y)
    return F.cross_entropy(zt, yt, label_smoothing=eps, ignore_index=ignore_index).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = [(rng.normal(size=(n, k)) * 2, rng.integers(0, k, size=n), e) for n, k, e in ((6, 5, 0.1), (9, 3, 0.2))]
    two = (rng.normal(size=(7, 2)), rng.integers(0, 2, size=7), 0.4)  # K = 2: eps/K and eps/(K-1) differ by 2x
    plain = (rng.normal(size=(5, 4)), rng.integers(0, 4, size=5), 0.0)
    big = (
        np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]]) * rng.uniform(0.85, 1.2)
        + rng.normal(scale=0.3, size=(2, 3)),
        np.array([0, 2]),
        0.1,
    )
    pad = (rng.normal(size=(8, 4)), np.array([1, -100, 3, -100, 0, 2, -100, 1]), 0.2)
    cases = {"random": random, "two": [two], "plain": [plain], "big": [big], "pad": [pad]}

    def calls(name: str) -> list[Call]:
        return [Call((T(z), T(y)), {"label_smoothing": e}) for z, y, e in cases[name]]

    def want(name: str) -> list[np.ndarray]:
        return [_ce(z, y, e) for z, y, e in cases[name]]

    return [
        Check(
            "matches F.cross_entropy(label_smoothing=eps) on random logits",
            "CE = (1 - eps) * NLL + (eps / K) * sum_c(-log p_c), averaged over the batch.",
            calls("random"),
            expect_scalar(want("random"), atol=1e-10, rtol=1e-8),
        ),
        Check(
            "puts eps/K on every class, the true one included (M3)",
            "PyTorch mixes eps/K into every class, so the true class gets 1 - eps + eps/K; spreading eps/(K-1) over "
            "the wrong classes only is another convention, and with K = 2 the two differ by a factor of 2.",
            calls("two"),
            expect_scalar(want("two"), atol=1e-10, rtol=1e-8),
        ),
        Check(
            "label_smoothing = 0 is plain cross-entropy",
            "With eps = 0 the smoothing term must vanish: the target is the one-hot vector.",
            calls("plain"),
            expect_scalar(want("plain"), atol=1e-10, rtol=1e-8),
        ),
        Check(
            "finite for logits of +-1000",
            "The smoothing term needs log p of every class, even those at -1000: use z - logsumexp(z), never "
            "log(softmax(z)), which is log(0) = -inf there.",
            calls("big"),
            expect_scalar(want("big"), atol=1e-9, rtol=1e-9),
        ),
        Check(
            "ignored targets add neither term and are not counted",
            "A target equal to ignore_index drops both its NLL and its smoothing term, and the mean is over the kept "
            "targets only (M2).",
            calls("pad"),
            expect_scalar(want("pad"), atol=1e-10, rtol=1e-8),
        ),
    ]
