"""Hidden checks for the selective-scan kata. Expected values: explicit loops over batch, time, channel and state in
float64 NumPy. Special inputs isolate each trap: delta = 1 (Euler's dt B equals B), A = 0 (every discretization of
A gives 1), B = 0 (only the skip connection remains), D = 0, a single time step."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_close


def _scan(u, delta, A, B, C, D):
    bsz, L, d = u.shape
    N = A.shape[1]
    y = np.zeros((bsz, L, d))
    for b in range(bsz):
        for c in range(d):
            h = np.zeros(N)
            for t in range(L):
                h = np.exp(delta[b, t, c] * A[c]) * h + delta[b, t, c] * B[b, t] * u[b, t, c]
                y[b, t, c] = C[b, t] @ h + D[c] * u[b, t, c]
    return y


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def case(L: int, *, delta_one=False, A_zero=False, B_zero=False, D_zero=False, C_const=False):
        bsz, d, N = int(rng.integers(1, 3)), int(rng.integers(2, 4)), int(rng.integers(2, 5))
        u = rng.normal(size=(bsz, L, d))
        delta = np.ones((bsz, L, d)) if delta_one else rng.uniform(0.05, 0.6, size=(bsz, L, d))
        A = np.zeros((d, N)) if A_zero else -rng.uniform(0.5, 3.0, size=(d, N))
        B = np.zeros((bsz, L, N)) if B_zero else rng.normal(size=(bsz, L, N))
        C = rng.normal(size=(bsz, L, N))
        if C_const:
            C = np.repeat(C[:, :1], L, axis=1)
        D = np.zeros(d) if D_zero else rng.normal(size=d)
        return u, delta, A, B, C, D

    def call(c) -> Call:
        return Call(tuple(T(x) for x in c))

    def expect(cases):
        return expect_close([_scan(*c) for c in cases], atol=1e-10, rtol=1e-9)

    random = [case(int(rng.integers(5, 12))), case(int(rng.integers(5, 12)))]
    first = [case(1, delta_one=True, D_zero=True)]
    euler_b = [case(1, D_zero=True), case(1, D_zero=True)]
    zoh_a = [case(int(rng.integers(4, 8)), delta_one=True, D_zero=True, C_const=True)]
    c_per_step = [case(int(rng.integers(4, 8)), delta_one=True, A_zero=True, D_zero=True)]
    skip = [case(int(rng.integers(3, 7)), B_zero=True)]

    return [
        Check(
            "matches the selective scan on random inputs",
            "h_t = exp(delta_t A) * h_{t-1} + delta_t B_t u_t per channel; y_t = C_t . h_t + D u_t.",
            [call(c) for c in random],
            expect(random),
        ),
        Check(
            "y_t reads the state after step t",
            "The state is updated with token t first and then read: y_0 = C_0 . (delta_0 B_0 u_0) already sees "
            "the first token. Reading h before the update delays every output by one step.",
            [call(c) for c in first],
            expect(first),
        ),
        Check(
            "the input term is scaled by delta",
            "B is discretized with the step too: B_bar u = delta * B * u. Without delta, a token's write into the "
            "state does not shrink with its step size, so 'ignore this token' (small delta) no longer works.",
            [call(c) for c in euler_b],
            expect(euler_b),
        ),
        Check(
            "A is discretized as exp(delta A)",
            "The decay per step is A_bar = exp(delta A) (zero-order hold), always in (0, 1) for A < 0. The Euler "
            "form 1 + delta A is a different system and goes negative or unstable for large delta |A|.",
            [call(c) for c in zoh_a],
            expect(zoh_a),
        ),
        Check(
            "C is read at each time step",
            "In a selective SSM C depends on the token: y_t uses C_t, not the first step's C for every t (that is "
            "the time-invariant S4 view, which Mamba drops).",
            [call(c) for c in c_per_step],
            expect(c_per_step),
        ),
        Check(
            "adds the skip connection D u",
            "y_t = C_t . h_t + D * u_t: the D term passes each channel's input straight through. With B = 0 the "
            "state stays 0 and y must equal D * u.",
            [call(c) for c in skip],
            expect(skip),
        ),
    ]
