"""Oracle helpers shared by the reference-library tests (STYLE.md, "A test")."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch


def check_against_torch(
    ours: Callable[..., torch.Tensor],
    theirs: Callable[..., torch.Tensor],
    shapes: Sequence[Sequence[int]],
    *,
    atol: float = 1e-10,
    rtol: float = 1e-8,
    seed: int = 0,
) -> None:
    """Forward and backward of `ours` equal `theirs` in float64, with a random upstream gradient.

    A random upstream gradient (not `.sum()`) catches bugs that are symmetric in the output.
    """
    g = torch.Generator().manual_seed(seed)
    xs = [torch.randn(tuple(s), dtype=torch.float64, generator=g, requires_grad=True) for s in shapes]
    ys = [x.detach().clone().requires_grad_() for x in xs]
    out, ref = ours(*xs), theirs(*ys)
    torch.testing.assert_close(out, ref, atol=atol, rtol=rtol)
    upstream = torch.randn(ref.shape, dtype=torch.float64, generator=g)
    grads_ours = torch.autograd.grad((out * upstream).sum(), xs, allow_unused=True)
    grads_ref = torch.autograd.grad((ref * upstream).sum(), ys, allow_unused=True)
    for i, (a, b) in enumerate(zip(grads_ours, grads_ref, strict=True)):
        if a is None or b is None:
            assert a is None and b is None, f"input {i}: one side has no gradient"
            continue
        torch.testing.assert_close(a, b, atol=atol, rtol=rtol, msg=lambda m, i=i: f"grad of input {i}: {m}")
