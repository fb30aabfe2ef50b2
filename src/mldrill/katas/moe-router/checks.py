"""Hidden checks for the moe-router kata. Expected values: a NumPy float64 computation (argsort for the top k,
softmax by hand, np.bincount for f). The gate checks compare each token's gates sorted, so an ordering bug is blamed
on the ordering check alone."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, T, expect_parts


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _route(logits, k, style="mixtral", alpha=0.01):
    E = logits.shape[1]
    idx = np.argsort(-logits, axis=-1, kind="stable")[:, :k]
    probs = _softmax(logits)
    chosen = np.take_along_axis(logits, idx, -1)
    weights = _softmax(chosen) if style == "mixtral" else np.take_along_axis(probs, idx, -1)
    f = np.bincount(idx.ravel(), minlength=E) / idx.size
    return weights, idx, alpha * E * float(f @ probs.mean(0))


NAMES = ("weights", "idx", "aux")


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def logits(n: int, E: int):
        return rng.normal(scale=1.5, size=(n, E)) + rng.normal(scale=0.5, size=E)

    def call(x, k, style, alpha=0.01) -> Call:
        return Call((T(x), k), {"style": style, "alpha": alpha})

    def sorted_gates(cases):
        """Compare each token's gates as a multiset (sorted), nothing else."""
        want = [np.sort(_route(x, k, s, a)[0], axis=-1) for x, k, s, a in cases]

        def judge(outcomes: list[Outcome]) -> str | Failure | None:
            for i, (o, w) in enumerate(zip(outcomes, want, strict=True)):
                if o.error is not None:
                    return Failure(f"call {i + 1}: raised {o.error}", i, w)
                try:
                    got = np.sort(np.asarray(o.value[0], dtype=np.float64), axis=-1)
                except (TypeError, ValueError, IndexError, KeyError, np.exceptions.AxisError):
                    return Failure(f"call {i + 1}: expected a tuple (weights, idx, aux)", i, w, o.value)
                if got.shape != w.shape or not np.allclose(got, w, atol=1e-12, rtol=1e-9):
                    return Failure(f"call {i + 1}: the gates (sorted per token) differ", i, w, got)
            return None

        return judge

    def expect(cases, only: str | None = None):
        parts = []
        for x, k, s, a in cases:
            full = _route(x, k, s, a)
            keep = [only is None or n == only for n in NAMES]
            parts.append(tuple(v if kept else None for v, kept in zip(full, keep, strict=True)))
        return expect_parts(parts, NAMES, atol=1e-12, rtol=1e-9)

    E = int(rng.integers(5, 9))
    alpha = float(rng.uniform(0.005, 0.05))
    random = [(logits(int(rng.integers(6, 12)), E), 2, "mixtral", alpha), (logits(10, E), 2, "switch", alpha)]
    random.append((logits(7, E), 1, "switch", alpha))
    mix = [(logits(8, E), k, "mixtral", 0.01) for k in (2, 3)]
    sw = [(logits(8, E), k, "switch", 0.01) for k in (1, 2)]
    order = [(logits(9, E), 3, "mixtral", 0.01), (logits(9, E), 2, "switch", 0.01)]
    uniform = [(np.full((12, E), float(rng.normal())), k, s, alpha) for k, s in ((2, "mixtral"), (1, "switch"))]
    skew = logits(16, E)
    skew[:, 0] += 2.0  # a router leaning on expert 0: f and P differ a lot from uniform
    slots = [(skew, 2, "mixtral", alpha)]

    return [
        Check(
            "matches the router on random logits",
            "idx = top-k experts in decreasing order; Mixtral gates = softmax(top-k logits), Switch gates = "
            "top-k of softmax(all logits); aux = alpha * E * sum_i f_i P_i.",
            [call(*c) for c in random],
            expect(random),
        ),
        Check(
            "Mixtral renormalizes over the k chosen experts",
            "Mixtral takes the softmax of the k chosen logits only, so each token's gates sum to 1. Taking the "
            "top-k of the full softmax (Switch's order) leaves gates that sum to less than 1 and shrinks the output.",
            [call(*c) for c in mix],
            sorted_gates(mix),
        ),
        Check(
            "Switch keeps the full-softmax probabilities",
            "Switch gates are the router probabilities over ALL experts, not renormalized: a top-1 gate is below 1 "
            "and scales the expert's output, which is how the router gets a gradient. Renormalizing makes a top-1 "
            "gate exactly 1.",
            [call(*c) for c in sw],
            sorted_gates(sw),
        ),
        Check(
            "picks the k largest, in decreasing order",
            "idx holds each token's k highest-scoring experts with the best first (as torch.topk returns them); an "
            "ascending argsort's tail, or the k smallest, routes to the wrong experts or the wrong slot order.",
            [call(*c) for c in order],
            expect(order, only="idx"),
        ),
        Check(
            "aux loss is alpha at a uniform router",
            "With equal logits every P_i = 1/E, so alpha * E * sum_i f_i / E = alpha whatever the choices, when f "
            "sums to 1 (f divides by the T * k routed slots, not by T) and the E factor is there.",
            [call(*c) for c in uniform],
            expect(uniform, only="aux"),
        ),
        Check(
            "aux loss uses the routed fraction f and the mean probability P",
            "f_i is the share of routed slots that CHOSE expert i (a count: no gradient) and P_i the mean router "
            "probability; sum_i P_i^2 (probabilities on both sides) does not see where tokens were sent.",
            [call(*c) for c in slots],
            expect(slots, only="aux"),
        ),
    ]
