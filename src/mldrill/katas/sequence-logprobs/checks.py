"""Hidden checks for the sequence-logprobs kata. Expected values: -F.cross_entropy(logits[:, :-1], labels[:, 1:],
ignore_index=-100, reduction="none") summed per sequence, in float64."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_close

TOL = {"atol": 1e-9, "rtol": 1e-9}


def _oracle(logits: np.ndarray, labels: np.ndarray, ignore_index: int = -100) -> np.ndarray:
    lg, lb = torch.from_numpy(logits[:, :-1]).transpose(1, 2), torch.from_numpy(labels[:, 1:])
    return (-F.cross_entropy(lg, lb, ignore_index=ignore_index, reduction="none").sum(-1)).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def batch(B: int, T_: int, V: int, scale: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
        """Random logits and labels; each row has a masked prompt of its own length and some masked padding."""
        logits = rng.normal(size=(B, T_, V)) * scale
        labels = rng.integers(0, V, size=(B, T_))
        for b in range(B):
            labels[b, : int(rng.integers(1, T_ // 2))] = -100
            pad = int(rng.integers(0, T_ // 3))
            if pad:
                labels[b, -pad:] = -100
        return logits, labels

    def check(name: str, why: str, cases: list[tuple[np.ndarray, np.ndarray]], ignore: int | None = None) -> Check:
        kw = {} if ignore is None else {"ignore_index": ignore}
        calls = [Call((T(lg), T(lb)), kw) for lg, lb in cases]
        want = [_oracle(lg, lb, -100 if ignore is None else ignore) for lg, lb in cases]
        return Check(name, why, calls, expect_close(want, **TOL))

    random = [batch(3, 10, 17), batch(2, 16, 9)]

    # -- no masking at all: only the shift decides
    plain = (rng.normal(size=(2, 8, 12)) * 2, rng.integers(0, 12, size=(2, 8)))

    # -- long prompts masked, plus padding: masked labels would be counted as token 0
    masked = batch(3, 14, 10)
    masked[1][:, 1:9] = -100

    # -- rows with very different numbers of kept tokens: the mean is not the sum
    lengths = batch(3, 20, 8)
    lengths[1][0, 2:] = rng.integers(0, 8, size=18)
    lengths[1][1, 2:] = -100
    lengths[1][1, 5:8] = rng.integers(0, 8, size=3)

    # -- logits in the thousands: the labels' softmax probabilities underflow to 0
    huge = batch(2, 8, 6, scale=1.0)
    huge[0][..., 0] += 3000.0
    huge[1][huge[1] == 0] = 1  # the labels are never the dominant token: log-probs near -3000

    # -- another ignore_index (nanoGPT's -1): the masked positions hold -1, not -100
    other = batch(3, 12, 9)
    other[1][other[1] == -100] = -1

    return [
        check(
            "matches the shifted cross-entropy",
            "For each row, the sum over t of log_softmax(logits[t])[labels[t + 1]] where labels[t + 1] != -100 "
            "(= minus F.cross_entropy(..., ignore_index=-100, reduction='none') summed per row).",
            random,
        ),
        check(
            "logits at t score the label at t + 1",
            "A causal LM's output at position t predicts the next token: pair logits[:, :-1] with labels[:, 1:]. "
            "Without the shift every token is scored by the prediction made after seeing it (and the other shift "
            "direction by a prediction made two tokens early).",
            [plain],
        ),
        check(
            "positions labelled -100 do not count",
            "The prompt and the padding carry -100: they must add nothing. Clamping -100 to token 0 (to make "
            "gather work) without masking adds log p(token 0) at every ignored position; a mask built before the "
            "shift lines up with the wrong tokens.",
            [masked],
        ),
        check(
            "the sum over tokens, not the mean",
            "log pi(y | x) of a sequence is the sum of its token log-probs; dividing by the number of tokens is "
            "the length-normalized score (SimPO, ORPO), which changes DPO's implicit reward.",
            [lengths],
        ),
        check(
            "finite for large logits",
            "softmax of logits 3000 apart gives exactly 0.0 for the losers in float64, and log(0) = -inf: "
            "use log_softmax (LogSumExp), which returns -3000.",
            [huge],
        ),
        check(
            "the ignore_index argument is honoured",
            "The positions to skip are those equal to ignore_index, whatever its value (here -1, as in nanoGPT); "
            "a hard-coded -100 scores them (or fails to gather index -1).",
            [other],
            ignore=-1,
        ),
    ]
