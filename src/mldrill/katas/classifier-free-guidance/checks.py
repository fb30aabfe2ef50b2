"""Hidden checks for the classifier-free-guidance kata. Expected values: float64 NumPy (np.std with ddof=1 as
torch's default; the ratio of two stds does not depend on ddof)."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_close


def _cfg(both, w, phi=0.0):
    u, c = np.split(both, 2, axis=0)
    g = u + w * (c - u)
    if phi == 0.0:
        return g
    axes = tuple(range(1, g.ndim))
    scaled = g * (c.std(axis=axes, ddof=1, keepdims=True) / g.std(axis=axes, ddof=1, keepdims=True))
    return phi * scaled + (1 - phi) * g


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def batch(b: int, *trailing: int):
        u = rng.normal(size=(b, *trailing))
        c = u + rng.normal(scale=0.5, size=(b, *trailing)) * rng.uniform(0.5, 2.0, size=(b,) + (1,) * len(trailing))
        return np.concatenate([u, c])

    def call(both, w, phi=None) -> Call:
        return Call((T(both), w), {} if phi is None else {"rescale": phi})

    def expect(cases):
        return expect_close([_cfg(*c) for c in cases], atol=1e-10, rtol=1e-9)

    random = [(batch(3, 2, 4, 4), float(rng.uniform(3, 9)), float(rng.uniform(0.3, 0.9))), (batch(2, 5), 7.5, 0.0)]
    order = [(batch(int(rng.integers(2, 5)), 6), 0.0, 0.0), (batch(3, 6), float(rng.uniform(4, 9)), 0.0)]
    w_one = [(batch(int(rng.integers(2, 5)), 6), 0.5, 0.0), (batch(2, 3, 3), 0.5, 0.0)]
    per_example = [(batch(3, 2, 4, 4), float(rng.uniform(3, 9)), 1.0)]
    blend = [(batch(1, 3, 4, 4), float(rng.uniform(3, 9)), float(rng.uniform(0.2, 0.8)))]  # one example

    return [
        Check(
            "matches guided predictions with and without rescale",
            "g = eps_u + w (eps_c - eps_u) with eps_u the first half of the batch; with phi > 0, "
            "phi * g * std(eps_c) / std(g) + (1 - phi) * g, stds per example.",
            [call(*c) for c in random],
            expect(random),
        ),
        Check(
            "the first half of the batch is unconditional",
            "Pipelines concatenate [uncond; cond]: the first B predictions are eps_u. Swapping the halves guides "
            "AWAY from the prompt (w = 0 then returns the conditional prediction).",
            [call(*c) for c in order],
            expect(order),
        ),
        Check(
            "w = 0.5 is halfway between the two predictions",
            "In the eps_u + w (eps_c - eps_u) form w interpolates: 0 is eps_u, 1 is eps_c, 0.5 halfway. "
            "(1 + w) eps_c - w eps_u is Ho and Salimans' form, whose w is shifted by one: mixing the two "
            "conventions over-guides by a whole unit of w.",
            [call(*c) for c in w_one],
            expect(w_one),
        ),
        Check(
            "rescale uses each example's own std",
            "With phi = 1 every example's guided prediction is scaled to ITS conditional prediction's std, over "
            "all its non-batch axes: one std for the whole batch mixes images of different contrast.",
            [call(*c) for c in per_example],
            expect(per_example),
        ),
        Check(
            "rescale blends by phi",
            "The rescaled prediction is mixed back: phi * rescaled + (1 - phi) * guided. Rescaling fully for any "
            "phi > 0 gives flat, washed-out images, and rescaling towards std(g) / std(eps_c) inverts the fix.",
            [call(*c) for c in blend],
            expect(blend),
        ),
    ]
