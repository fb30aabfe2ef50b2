"""Hidden checks for the beam-search kata. Expected values: mldrill.ref.sampling.beam_search_table (tested to equal
exhaustive search when the beam holds every hypothesis); random tables have no tied scores."""

from __future__ import annotations

import itertools

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def table(V: int, eos: int, eos_logit: float = 0.0, T: int = 6) -> np.ndarray:
        z = rng.normal(scale=1.5, size=(T, V, V))
        z[..., eos] += eos_logit
        return z - np.log(np.exp(z).sum(-1, keepdims=True))

    def check(name: str, why: str, cases: list[tuple[np.ndarray, int, int, int, int, float]]) -> Check:
        calls = [
            Call((t, s), {"beam_width": bw, "max_new_tokens": L, "eos": e, "alpha": a}) for t, s, bw, L, e, a in cases
        ]
        want = [solution(t, s, beam_width=bw, max_new_tokens=L, eos=e, alpha=a) for t, s, bw, L, e, a in cases]

        def judge(outcomes: list[Outcome]) -> str | Failure | None:
            for i, (o, w) in enumerate(zip(outcomes, want, strict=True)):
                if o.error is not None:
                    return Failure(f"call {i + 1}: raised {o.error}", i, w)
                got = o.value
                try:
                    toks = [[int(x) for x in h[0]] for h in got]
                    scores = [float(h[1]) for h in got]
                except (TypeError, ValueError, IndexError):
                    return Failure(f"call {i + 1}: expected a list of (tokens, score)", i, w, got)
                # compare the set of hypotheses and their scores, and that the list is best first (equal scores, were
                # there any, may come in either order)
                mine, theirs = dict(zip(map(tuple, toks), scores, strict=True)), {tuple(h[0]): h[1] for h in w}
                if len(mine) != len(toks) or set(mine) != set(theirs):
                    extra, missing = sorted(set(mine) - set(theirs))[:3], sorted(set(theirs) - set(mine))[:3]
                    return Failure(
                        f"call {i + 1}: {len(toks)} hypotheses, expected {len(theirs)}; not expected: "
                        f"{[list(t) for t in extra]}, missing: {[list(t) for t in missing]}",
                        i,
                        w,
                        got,
                    )
                bad = [t for t in theirs if not np.isclose(mine[t], theirs[t], rtol=1e-9, atol=1e-12)]
                if bad:
                    t = bad[0]
                    return Failure(
                        f"call {i + 1}: {list(t)} scores {mine[t]:.10g}, expected {theirs[t]:.10g}", i, w, got
                    )
                if any(b > a + 1e-12 for a, b in itertools.pairwise(scores)):
                    return Failure(f"call {i + 1}: not sorted best first: scores {scores[:6]}...", i, w, got)
            return None

        return Check(name, why, calls, judge)

    V = 6
    eos = int(rng.integers(V))
    start = int((eos + 1 + rng.integers(V - 1)) % V)
    random = [(table(V, eos), start, 3, 5, eos, 0.7), (table(V, eos, 1.0), start, 2, 6, eos, 0.0)]
    finish = [(table(V, eos, 2.0), start, 2, 6, eos, 0.0)]  # eos is likely: many hypotheses end early
    norm = [(table(V, eos, 1.0), start, 3, 6, eos, 1.0)]
    # eos far below every other token: never among the top 2 * beam_width = 4 of the 6 candidates per beam
    no_eos = [(table(V, eos, -60.0), start, 2, 4, eos, 0.0)]
    width = [(table(V, eos, -60.0), start, 2, 1, eos, 0.0)]  # one step: the beam is the answer

    return [
        check(
            "matches beam search on random tables",
            "Extend every live hypothesis by every token, keep the best 2 * beam_width candidates: eos ones finish, "
            "the best beam_width others form the next beam; score = logprob / len ** alpha; best first.",
            random,
        ),
        check(
            "a hypothesis ending in eos is finished",
            "A candidate that ends with eos leaves the beam (it is kept as a finished hypothesis, eos included) and "
            "is never extended: generating after eos scores text the model has already ended.",
            finish,
        ),
        check(
            "scores are logprob / len ** alpha, len counting eos",
            "Summed log-probabilities favour short outputs; the length penalty divides by L ** alpha, with L the "
            "number of generated tokens including eos (alpha = 0: no normalisation).",
            norm,
        ),
        check(
            "hypotheses alive at the step limit are returned",
            "When max_new_tokens is reached, the hypotheses still in the beam are finished as they are (without "
            "eos); dropping them can leave no output at all.",
            no_eos,
        ),
        check(
            "the beam keeps beam_width hypotheses",
            "After each step only the best beam_width non-eos candidates survive; keeping more is a wider search "
            "(and costs more), not beam search with this width.",
            width,
        ),
    ]
