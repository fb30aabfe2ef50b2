"""Hidden checks for the capacity-dispatch kata. Expected values: a plain loop over choices then tokens with one
counter per expert (not the cumsum formulation), and math.ceil for the capacity."""

from __future__ import annotations

import math

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_parts


def _dispatch(idx, E, cf):
    n, k = idx.shape
    cap = math.ceil(k * n / E * cf)
    used, pos = [0] * E, np.full((n, k), -1, dtype=np.int64)
    for j in range(k):
        for t in range(n):
            e = int(idx[t, j])
            if used[e] < cap:
                pos[t, j] = used[e]
                used[e] += 1
    return cap, pos


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def route(n: int, E: int, k: int, skew: float = 0.0):
        scores = rng.normal(size=(n, E))
        scores[:, 0] += skew  # skew > 0 overloads expert 0
        return np.argsort(-scores, axis=1)[:, :k].astype(np.int64)

    def call(c) -> Call:
        idx, E, cf = c
        return Call((T(idx), E), {"capacity_factor": cf})

    def expect(cases, only: str | None = None):
        parts = [_dispatch(*c) for c in cases]
        if only == "capacity":
            parts = [(cap, None) for cap, _ in parts]
        elif only == "position":
            parts = [(None, pos) for _, pos in parts]
        return expect_parts(parts, ("capacity", "position"), atol=0.0, rtol=0.0)

    E = int(rng.integers(3, 6))
    random = [(route(int(rng.integers(10, 20)), E, 2, 1.0), E, float(cf)) for cf in (1.0, rng.uniform(0.5, 1.5))]
    # T * k / E * cf is never a whole number here: ceil, floor and round differ
    caps = []
    for n, e, k in ((10, 4, 2), (7, 3, 1), (13, 5, 2)):
        cf = float(rng.choice([1.1, 1.25, 0.9]))
        while (k * n / e * cf) % 1 < 0.05:
            cf += 0.03
        caps.append((route(n, e, k), e, cf))
    # k = 2 and room for every slot (nothing dropped): the order of filling still shows in the places
    prio = [(route(12, E, 2, 2.5), E, float(E)), (route(9, E, 2), E, float(E))]
    # k = 1 (so every order is token order), no drops: the places themselves
    zero_based = [(route(int(rng.integers(8, 14)), E, 1), E, float(E))]
    # k = 1, heavily skewed: expert 0 overflows and its buffer must hold exactly C slots
    full = [(route(int(rng.integers(12, 20)), E, 1, 4.0), E, 1.0)]

    return [
        Check(
            "matches capacity dispatch on random routing",
            "C = ceil(k T / E * cf); slots are placed choice-major (all first choices, then all second choices), "
            "each in the next free place of its expert's buffer, or -1 once the buffer is full.",
            [call(c) for c in random],
            expect(random),
        ),
        Check(
            "capacity is ceil(k * T / E * cf)",
            "Every routed slot (k per token) needs a place, so the capacity scales with k, and it is rounded UP: "
            "floor or round loses a slot whenever k T / E * cf is not a whole number.",
            [call(c) for c in caps],
            expect(caps, only="capacity"),
        ),
        Check(
            "first choices before second choices",
            "Buffers fill with every token's first choice before any second choice: in token order (row-major "
            "idx), early tokens' second choices take places that later tokens need for their FIRST choice.",
            [call(c) for c in prio],
            expect(prio, only="position"),
        ),
        Check(
            "places start at 0",
            "A slot's place is the number of slots already in its expert's buffer: the first is 0. A cumulative "
            "count without the - 1 is 1-based.",
            [call(c) for c in zero_based],
            expect(zero_based, only="position"),
        ),
        Check(
            "a full buffer holds exactly C slots",
            "Places 0 .. C - 1 are kept and place C is the first one dropped: keeping place C (<= instead of <) "
            "overfills the buffer by one.",
            [call(c) for c in full],
            expect(full, only="position"),
        ),
    ]
