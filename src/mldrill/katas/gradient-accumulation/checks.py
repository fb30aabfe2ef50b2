"""Hidden checks for the gradient-accumulation kata. Expected values: torch on the full batch (every token of every
micro-batch in one F.cross_entropy(ignore_index=-100) and one backward), float64."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, T, expect_parts

PAD = -100


def _full(w: np.ndarray, micro: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, np.ndarray]:
    wt = torch.from_numpy(w).requires_grad_()
    x = torch.cat([torch.from_numpy(a).reshape(-1, w.shape[1]) for a, _ in micro])  # (N, d)
    y = torch.cat([torch.from_numpy(b).reshape(-1) for _, b in micro])  # (N,)
    loss = F.cross_entropy(x @ wt.T, y, ignore_index=PAD)
    loss.backward()
    assert wt.grad is not None
    return float(loss.detach()), wt.grad.numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    V, d = int(rng.integers(4, 9)), int(rng.integers(3, 7))

    def micro(B: int, T_: int, n_pad: int | None = None, pad: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """n_pad: exactly that many padded positions; else each position padded with probability `pad`."""
        y = rng.integers(0, V, size=(B, T_))
        if n_pad is not None:
            y.reshape(-1)[rng.choice(B * T_, size=n_pad, replace=False)] = PAD
        else:
            y[rng.random((B, T_)) < pad] = PAD
            if (y == PAD).all():  # all-padding micro-batches are the check of their own below, not a chance event
                y.reshape(-1)[int(rng.integers(B * T_))] = int(rng.integers(0, V))
        return rng.normal(size=(B, T_, d)), y

    def case(batches: list[tuple[np.ndarray, np.ndarray]]) -> tuple[Call, tuple[float, np.ndarray], np.ndarray]:
        w = rng.normal(size=(V, d))
        return Call((T(w), [(T(x), T(y)) for x, y in batches])), _full(w, batches), w

    def check(name: str, why: str, cases: list, only: str = "both") -> Check:
        want = [(loss if only != "grad" else None, grad if only != "loss" else None) for _, (loss, grad), _ in cases]
        return Check(name, why, [c for c, _, _ in cases], expect_parts(want, ("loss", "grad"), atol=1e-12, rtol=1e-9))

    def shape() -> tuple[int, int]:
        return int(rng.integers(1, 4)), int(rng.integers(2, 8))

    B, T_ = shape()
    k = int(rng.integers(2, 5))
    return [
        check(
            "matches the full-batch loss and gradient",
            "Sum each micro-batch's token losses, divide by the batch's total number of real tokens, backward; "
            "the grads add up to the full-batch gradient.",
            [case([micro(*shape(), pad=0.25) for _ in range(int(rng.integers(2, 5)))]) for _ in range(2)],
        ),
        check(
            "equal micro-batches: divide by the number of micro-batches",
            "k backward calls of each micro-batch's MEAN loss sum to k times the full-batch gradient: without the "
            "1/k the effective learning rate is k times larger.",
            [case([micro(B, T_) for _ in range(k)])],
        ),
        check(
            "uneven micro-batches: weight each by its tokens",
            "mean-per-micro-batch / k gives a 3-token micro-batch the weight of a 300-token one. Divide each "
            "micro-batch's SUM by the total token count of the whole batch instead.",
            [case([micro(1, 2), micro(3, 9), micro(2, 4)]), case([micro(4, 7), micro(1, 3)])],
        ),
        check(
            "padding (-100) is not a token",
            "Padded positions are ignored by the loss and must not count in the denominator either: dividing by "
            "y.numel() shrinks the loss and the gradient by the padding fraction.",
            [case([micro(B, T_, n_pad=max(1, (B * T_) // 3)) for _ in range(k)])],  # equal real-token counts
        ),
        check(
            "a micro-batch of only padding adds nothing",
            "A micro-batch can hold no real token (the tail of a packed dataset). Its SUM of token losses is 0; its "
            "mean is 0 / 0 = NaN, and weighting that mean by its token count (0 * NaN) still puts NaN into .grad "
            "for the whole step.",
            [case([micro(*shape(), pad=0.2), micro(B, T_, n_pad=B * T_), micro(*shape(), pad=0.2)])],
        ),
        check(
            "gradients accumulate across micro-batches",
            "Each backward ADDS into .grad: zeroing it (or replacing it) between micro-batches keeps only the "
            "last micro-batch's gradient.",
            [case([micro(*shape()) for _ in range(3)])],
            only="grad",
        ),
        check(
            "the returned loss is the full-batch mean",
            "Report the same quantity the gradient is of: the mean over all real tokens, not the mean of the "
            "micro-batch means (which weights micro-batches equally).",
            [case([micro(1, 3), micro(3, 8, pad=0.2)])],
            only="loss",
        ),
    ]
