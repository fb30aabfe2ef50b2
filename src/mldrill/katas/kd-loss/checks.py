"""Hidden checks for the kd-loss kata. Expected values: nn.KLDivLoss(reduction='batchmean') and F.cross_entropy."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="loss")


def _kd(s: np.ndarray, t: np.ndarray, y: np.ndarray, temp: float = 2.0, alpha: float = 0.5) -> float:
    st, tt, yt = torch.from_numpy(s), torch.from_numpy(t), torch.from_numpy(y)
    kl = torch.nn.KLDivLoss(reduction="batchmean")(F.log_softmax(st / temp, -1), F.softmax(tt / temp, -1))
    return float(alpha * temp**2 * kl + (1 - alpha) * F.cross_entropy(st, yt))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(n: int, c: int, scale: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return rng.normal(size=(n, c)) * scale, rng.normal(size=(n, c)) * scale, rng.integers(0, c, size=n)

    def check(name: str, expl: str, cs: list[tuple[np.ndarray, ...]], temp: float, alpha: float) -> Check:
        calls = [Call(tuple(T(a) for a in c), {"T": temp, "alpha": alpha}) for c in cs]
        return Check(name, expl, calls, expect_scalar([_kd(*c, temp, alpha) for c in cs], atol=1e-12, rtol=1e-9))

    large = case(3, 4, scale=400.0)
    for logits in large[:2]:  # in each model, one class of a drawn row 800 below that row's max: e^-800 underflows
        row = int(rng.integers(3))
        col = (int(logits[row].argmax()) + 1 + int(rng.integers(3))) % 4  # any class but the max
        logits[row, col] = logits[row].max() - 800.0
    return [
        check("matches KLDivLoss(batchmean) + cross-entropy", "alpha T^2 KL(p_t^T || p_s^T) + (1 - alpha) CE, the "
              "CE on the student's logits at temperature 1 (not divided by T).",
              [case(4, 5), case(6, 3)], 2.0, 0.5),
        check("multiplies the soft term by T^2", "Without T^2 the soft term (and its gradients) shrink as 1/T^2; at "
              "T = 4 that is a factor 16 (M5).", [case(5, 4)], 4.0, 1.0),
        check("KL from the teacher to the student, averaged over the batch", "KL(p_t || p_s) is not symmetric: "
              "F.kl_div(log p_s, p_t) computes it; and 'batchmean' divides by N, while 'mean' divides by N * C (M6).",
              [case(3, 6)], 1.0, 1.0),
        check("alpha weights the soft term", "Here alpha = 0.9 multiplies the distillation term and 0.1 the hard "
              "CE; swapping them is the other convention, not this one.", [case(4, 4)], 3.0, 0.9),
        check("finite for large logits", "Use log_softmax for both distributions: softmax underflows to 0 and "
              "log(0) = -inf (0 * -inf = NaN in the KL).", [large], 1.0, 0.5),
    ]  # fmt: skip
