"""Hidden checks for the rope kata. Expected values: RoPE as multiplication by e^{i m theta} in complex NumPy."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, expect_close


def expect_close_as(expected: list[np.ndarray], dtype: type, *, atol: float, rtol: float) -> Judge:
    """expect_close, and every output must have the given dtype."""
    inner = expect_close(expected, atol=atol, rtol=rtol)

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, o in enumerate(outcomes):
            if o.error is None and isinstance(o.value, np.ndarray) and o.value.dtype != dtype:
                return f"call {i + 1}: dtype {o.value.dtype}, expected {np.dtype(dtype)}"
        return inner(outcomes)

    return judge


def _oracle(x: np.ndarray, pos: np.ndarray, base: float = 10000.0, style: str = "half") -> np.ndarray:
    hs = x.shape[-1]
    theta = base ** (-np.arange(0, hs, 2) / hs)  # (hs/2,)
    rot = np.exp(1j * pos[:, None] * theta[None, :])  # (T, hs/2)
    if style == "half":
        z = (x[..., : hs // 2] + 1j * x[..., hs // 2 :]) * rot
        return np.concatenate([z.real, z.imag], axis=-1)
    z = (x[..., 0::2] + 1j * x[..., 1::2]) * rot
    return np.stack([z.real, z.imag], axis=-1).reshape(x.shape)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = [(rng.normal(size=(2, 3, 5, 8)), np.arange(5)), (rng.normal(size=(1, 2, 4, 16)), np.arange(4))]
    inter = (rng.normal(size=(2, 2, 6, 8)), np.arange(6))
    offset = (rng.normal(size=(1, 2, 3, 8)), np.array([7, 8, 9]))
    # positions 0..T-1 here, so that a solution ignoring pos is blamed only by the check on positions
    based = (rng.normal(size=(1, 1, 6, 8)), np.arange(6))
    # one pair (hs = 2) at unit vectors: the output is (cos m, sin m) for x = (1, 0) and (-sin m, cos m) for (0, 1)
    # at positions 0..T-1 (m = 0 is the identity; sin m is far from 0 for m = 1, 2, ...)
    m_sign = np.arange(int(rng.integers(3, 7)))
    unit = np.tile(np.eye(2)[:, None, None, :], (1, 1, len(m_sign), 1)) * rng.uniform(0.5, 2)  # (2, 1, T, 2)
    f32 = (rng.normal(size=(1, 2, 5, 8)).astype(np.float32), np.arange(5))
    n_far = int(rng.integers(200, 400))  # positions 0..T-1 (ignoring pos is the positions check's to blame)
    far = (rng.normal(size=(1, 1, n_far, 8)), np.arange(n_far))
    return [
        Check(
            "half style matches the complex-rotation formula",
            "Pair x_i with x_{i+hs/2}, rotate pair i by pos * base^(-2i/hs); cos and sin are (T, hs/2) and broadcast.",
            [Call((T(x), T(p))) for x, p in random],
            expect_close([_oracle(x, p) for x, p in random], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "interleaved style pairs (x_2i, x_2i+1)",
            "GPT-J pairs neighbours, NeoX/Llama pairs the two halves: the same rotation on different pairs gives "
            "different outputs, and a checkpoint converted between them needs a permutation (M24).",
            [Call((T(inter[0]), T(inter[1])), {"style": "interleaved"})],
            expect_close([_oracle(*inter, style="interleaved")], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "uses the given positions, not 0..T-1",
            "A decode step with a KV cache rotates the new tokens at their absolute positions (here 7, 8, 9).",
            [Call((T(offset[0]), T(offset[1])))],
            expect_close([_oracle(*offset)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "uses the base argument",
            "theta_i = base^(-2i/hs): base is a parameter (Llama 3 uses 500000; NTK scaling changes it).",
            [Call((T(based[0]), T(based[1])), {"base": 500.0})],
            expect_close([_oracle(*based, base=500.0)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "rotates by +m theta (x_a cos - x_b sin, x_a sin + x_b cos)",
            "The rotation is counter-clockwise: rotate_half(x) = cat(-x2, x1), so x'_a = x_a cos - x_b sin. The "
            "opposite sign of sin rotates by -m theta: relative positions still work, but the outputs are not those "
            "of the model the weights were trained with. Here hs = 2: x = (1, 0) at position m must become "
            "(cos m, sin m).",
            [Call((T(unit), T(m_sign)))],
            expect_close([_oracle(unit, m_sign)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "float64 input is rotated with float64 angles",
            "float32 keeps 24 bits: pos * theta is off by about 1e-5 rad at position 300 (and by 1e-7 already at "
            "5). torch.arange(0, hs, 2) / hs is float32 by default: for float64 input build the frequencies and "
            "angles in float64 (dtype=torch.float64) so cos and sin carry the input's precision.",
            [Call((T(far[0]), T(far[1])))],
            expect_close([_oracle(*far)], atol=1e-10, rtol=1e-8),
        ),
        Check(
            "keeps float32 input in float32",
            "Compute the angles in high precision if you like, but return the input's dtype.",
            [Call((T(f32[0]), T(f32[1])))],
            expect_close_as([_oracle(f32[0].astype(np.float64), f32[1])], np.float32, atol=1e-5, rtol=1e-4),
        ),
    ]
