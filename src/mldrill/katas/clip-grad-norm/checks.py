"""Hidden checks for the clip-grad-norm kata. Expected values: torch.nn.utils.clip_grad_norm_ on parameters whose
.grad are the same tensors."""

from __future__ import annotations

import numpy as np
import torch

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, compare_arrays, showing


def _case(grads: list[np.ndarray], max_norm: float) -> tuple[list[Call], Judge]:
    params = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = torch.from_numpy(g.copy())
    norm = float(torch.nn.utils.clip_grad_norm_(params, max_norm))
    clipped = [p.grad.numpy() for p in params]

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        got_norm, got_grads = o.value
        if np.size(got_norm) != 1:
            return f"returned {got_norm!r}, expected the total norm {norm:.6g}"
        msg = compare_arrays(float(np.asarray(got_norm).reshape(())), norm, atol=0.0, rtol=1e-9, name="norm")
        if msg:
            return msg + " (the global norm before clipping)"
        for i, (got, want) in enumerate(zip(got_grads, clipped, strict=True)):
            msg = compare_arrays(got, want, atol=1e-12, rtol=1e-9, name=f"grads[{i}] after the call")
            if msg:
                return msg
        return None

    return [Call(([T(g) for g in grads], max_norm), returns_args=(0,))], showing([[norm, clipped]], judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    grads = [rng.normal(size=s) for s in ((4, 3), (3,), (2, 2, 2))]  # global norm about 4.5
    lopsided = [rng.normal(size=(3, 3)) * 10, rng.normal(size=(5,)) * 0.1]
    return [
        Check("matches clip_grad_norm_ (global norm over all tensors)", "One norm over every element of every "
              "tensor, then one factor min(1, max_norm / (norm + 1e-6)).", *_case(grads, 1.0)),
        Check("one scale factor for every tensor", "Clipping each tensor to max_norm on its own changes the "
              "direction of the update; the small tensor must shrink too.", *_case(lopsided, 2.0)),
        Check("no change below max_norm", "c = min(1, ...): when the norm is already small the gradients are left "
              "as they are (never scaled up).", *_case(grads, 100.0)),
        Check("returns the norm before clipping", "Return the total computed before scaling, not the clipped norm "
              "(which would be max_norm).", *_case([g * 3 for g in grads], 0.5)),
    ]  # fmt: skip
