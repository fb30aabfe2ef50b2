"""Hidden checks for the gru-cell kata. Expected values come from torch.nn.GRUCell with the same weights."""

from __future__ import annotations

import torch

from mldrill.grader.checks import Call, Check, T, expect_close


def _cell(x, h, w_ih, w_hh, b_ih, b_hh):
    cell = torch.nn.GRUCell(x.shape[1], h.shape[1], bias=b_ih is not None).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(w_ih))
        cell.weight_hh.copy_(torch.from_numpy(w_hh))
        if b_ih is not None:
            cell.bias_ih.copy_(torch.from_numpy(b_ih))
            cell.bias_hh.copy_(torch.from_numpy(b_hh))
        return cell(torch.from_numpy(x), torch.from_numpy(h)).numpy()


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(b: int, d: int, hd: int, bias: bool = True, b_hn: float = 0.0):
        b_ih = rng.normal(size=3 * hd) if bias else None
        b_hh = rng.normal(size=3 * hd) if bias else None
        if bias and b_hn:
            b_hh[2 * hd :] += b_hn  # a large b_hn: whether r multiplies it shows
        return (rng.normal(size=(b, d)), rng.normal(size=(b, hd)), rng.normal(size=(3 * hd, d)) * 0.5,
                rng.normal(size=(3 * hd, hd)) * 0.5, b_ih, b_hh)  # fmt: skip

    def call(c) -> Call:
        return Call(tuple(None if a is None else T(a) for a in c))

    random = [case(3, 4, 5), case(2, 3, 2)]
    reset = case(3, 3, 4, b_hn=3.0)
    nobias = case(2, 4, 3, bias=False)
    return [
        Check("matches nn.GRUCell", "r, z from sigmoids, n = tanh(W_in x + b_in + r (W_hn h + b_hn)), "
              "h' = (1 - z) n + z h.", [call(c) for c in random], expect_close([_cell(*c) for c in random],
              atol=1e-10, rtol=1e-8)),
        Check("the reset gate multiplies W_hn h + b_hn, bias included", "PyTorch applies r to the whole hidden "
              "part of the candidate, b_hn included (the original paper applies it before W_hn); adding b_hn "
              "outside r is a different cell.", [call(reset)], expect_close([_cell(*reset)], atol=1e-10, rtol=1e-8)),
        Check("works without biases", "b_ih and b_hh may be None.", [call(nobias)],
              expect_close([_cell(*nobias)], atol=1e-10, rtol=1e-8)),
    ]  # fmt: skip
