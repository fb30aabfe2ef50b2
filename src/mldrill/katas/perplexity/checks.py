"""Hidden checks for the perplexity kata. Expected values: exp(F.cross_entropy(..., ignore_index)) over all tokens."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T
from mldrill.grader.checks import expect_scalar as scalar_judge

expect_scalar = partial(scalar_judge, name="perplexity")


def _ppl(logits: np.ndarray, targets: np.ndarray, ignore_index: int = -100) -> float:
    v = logits.shape[-1]
    ce = F.cross_entropy(torch.from_numpy(logits).reshape(-1, v), torch.from_numpy(targets).reshape(-1),
                         ignore_index=ignore_index)  # fmt: skip
    return float(torch.exp(ce))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(b: int, t: int, v: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.normal(size=(b, t, v)), rng.integers(0, v, size=(b, t))

    random = [case(2, 5, 7), case(1, 3, 4)]
    rect = case(3, 4, 6)  # B != T
    padded = case(3, 6, 5)
    padded[1][0, 4:] = -100
    padded[1][2, 1:] = -100  # sequences of 6, 4 and 1 real tokens
    big = case(1, 6, 4)
    big[0][0, 0] = [0.0, -800.0, 0.0, 0.0]  # p(target) = e^-800 / 3 underflows to 0 in a plain softmax
    big[1][0, 0] = 1
    custom = case(2, 4, 5)
    custom[1][:, -1] = 0
    return [
        Check(
            "matches exp(cross-entropy) on random logits",
            "PPL = exp(mean over tokens of -log p(target)), with log p from a log-softmax over the vocabulary.",
            [Call((T(lg), T(tg))) for lg, tg in random],
            expect_scalar([_ppl(*c) for c in random], atol=0, rtol=1e-9),
        ),
        Check(
            "selects target probabilities correctly when B != T",
            "probs[range(B), range(T), targets] pairs indices elementwise (and fails unless B = T); use gather or "
            "probs[arange(B)[:, None], arange(T)[None, :], targets] (M61).",
            [Call((T(rect[0]), T(rect[1])))],
            expect_scalar([_ppl(*rect)], atol=0, rtol=1e-9),
        ),
        Check(
            "padding is masked, and the mean is over all real tokens",
            "Skip ignore_index positions, then divide the summed NLL by the number of real tokens in the whole "
            "batch: averaging per-sequence perplexities (or per-sequence means) weights short sequences too much.",
            [Call((T(padded[0]), T(padded[1])))],
            expect_scalar([_ppl(*padded)], atol=0, rtol=1e-9),
        ),
        Check(
            "uses the ignore_index argument",
            "ignore_index is a parameter (here 0): do not hard-code -100.",
            [Call((T(custom[0]), T(custom[1])), {"ignore_index": 0})],
            expect_scalar([_ppl(*custom, ignore_index=0)], atol=0, rtol=1e-9),
        ),
        Check(
            "a token with probability e^-800 gives a large finite perplexity",
            "softmax underflows to 0 for a token 800 below the max, and log(0) = -inf makes the perplexity inf: "
            "use a log-softmax.",
            [Call((T(big[0]), T(big[1])))],
            expect_scalar([_ppl(*big)], atol=0, rtol=1e-9),
        ),
    ]
