"""Hidden checks for the lstm-cell kata. Expected values come from torch.nn.LSTMCell with the same weights."""

from __future__ import annotations

import numpy as np
import torch

from mldrill.grader.checks import Call, Check, T, expect_close


def _cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    cell = torch.nn.LSTMCell(x.shape[1], h.shape[1], bias=b_ih is not None).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(w_ih))
        cell.weight_hh.copy_(torch.from_numpy(w_hh))
        if b_ih is not None:
            cell.bias_ih.copy_(torch.from_numpy(b_ih))
            cell.bias_hh.copy_(torch.from_numpy(b_hh))
        h2, c2 = cell(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(c)))
    return [h2.numpy(), c2.numpy()]


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def case(b: int, d: int, hd: int, bias: bool = True, gate_shift: float = 0.0):
        b_ih = rng.normal(size=4 * hd) if bias else None
        b_hh = rng.normal(size=4 * hd) if bias else None
        if bias and gate_shift:
            b_ih = b_ih + np.repeat([-gate_shift, gate_shift, 0.0, -gate_shift / 2], hd)  # distinct gate blocks
        return (rng.normal(size=(b, d)), rng.normal(size=(b, hd)), rng.normal(size=(b, hd)) * 2,
                rng.normal(size=(4 * hd, d)) * 0.5, rng.normal(size=(4 * hd, hd)) * 0.5, b_ih, b_hh)  # fmt: skip

    def call(cs) -> Call:
        return Call(tuple(None if a is None else T(a) for a in cs))

    random = [case(3, 4, 5), case(1, 6, 2)]
    order = case(2, 3, 4, gate_shift=3.0)
    big_c = case(2, 3, 3)
    nobias = case(2, 4, 3, bias=False)
    twob = case(2, 3, 3)
    twob = (*twob[:6], twob[6] + 2.0)  # a large b_hh
    return [
        Check(
            "matches nn.LSTMCell",
            "gates = W_ih x + b_ih + W_hh h + b_hh split as i, f, g, o; c' = s(f) c + s(i) tanh(g); "
            "h' = s(o) tanh(c').",
            [call(c) for c in random],
            expect_close([_cell(*c) for c in random], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "gate order is i, f, g, o with sigmoid on i, f, o and tanh on g",
            "PyTorch stacks input, forget, cell, output; swapping blocks (e.g. i, f, o, g) or the sigmoid and tanh "
            "gives another network. Here the gate biases differ by block, so any swap shows.",
            [call(order)],
            expect_close([_cell(*order)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "h' = s(o) tanh(c'): the new cell state goes through tanh",
            "The cell state is unbounded (here |c| is large); the output squashes it: h' = s(o) * tanh(c'), "
            "not s(o) * c'.",
            [call(big_c)],
            expect_close([_cell(*big_c)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "adds both bias vectors",
            "PyTorch keeps b_ih and b_hh (two vectors, M19) and adds both; using one of them drops the other.",
            [call(twob)],
            expect_close([_cell(*twob)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "works without biases",
            "b_ih and b_hh may be None (bias=False): skip them rather than failing.",
            [call(nobias)],
            expect_close([_cell(*nobias)], atol=1e-10, rtol=1e-8),
        ),
    ]
