"""Hidden checks for the reciprocal-rank-fusion kata. Expected fusions come from the closed form, in exact fractions."""

from __future__ import annotations

from fractions import Fraction

from mldrill.grader.checks import Call, Check, Judge, Outcome, showing


def _closed_form(rankings: list[list[str]], k: int = 60) -> list[tuple[str, float]]:
    seen: list[str] = []
    score: dict[str, Fraction] = {}
    for ranking in rankings:
        for r, d in enumerate(ranking):
            if d not in score:
                seen.append(d)
                score[d] = Fraction(0)
            score[d] += Fraction(1, k + r + 1)
    order = sorted(range(len(seen)), key=lambda i: (-score[seen[i]], i))
    return [(seen[i], float(score[seen[i]])) for i in order]


def expect_fusion(expected: list[list[tuple[str, float]]]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            try:
                got = [(str(d), float(s)) for d, s in o.value]
            except (TypeError, ValueError):
                return f"call {i + 1}: expected a list of (doc_id, score), got {str(o.value)[:80]}"
            if [d for d, _ in got] != [d for d, _ in e]:
                return f"call {i + 1}: order {[d for d, _ in got]}, expected {[d for d, _ in e]}"
            for (d, s), (_, w) in zip(got, e, strict=True):
                if abs(s - w) > 1e-12 + 1e-9 * abs(w):
                    return f"call {i + 1}: score of {d!r} = {s:.10g}, expected {w:.10g}"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    bm25 = ["d1", "d2", "d3", "d4"]
    dense = ["d3", "d1", "d5"]
    names: dict[str, str] = {}  # the hand-written ids, renamed afresh on every run (same lists, other strings)

    def rename(d: str) -> str:
        while d not in names:
            new = f"doc-{int(rng.integers(10**6)):06d}"
            if new not in names.values():
                names[d] = new
        return names[d]

    k2 = int(rng.integers(1, 6))

    def case(items: list[tuple[list[list[str]], int | None]]) -> tuple[list[Call], Judge]:
        items = [([[rename(d) for d in r] for r in rs], k) for rs, k in items]
        calls = [Call((r,), {} if k is None else {"k": k}) for r, k in items]
        return calls, expect_fusion([_closed_form(r, 60 if k is None else k) for r, k in items])

    return [
        Check("matches the closed form", "Sum 1 / (k + rank) over the lists that contain the document, best first.",
              *case([([bm25, dense], None), ([["a", "b", "c"], ["c", "b", "a"], ["b"]], None)])),
        Check("ranks start at 1", "The top document of a list scores 1 / (k + 1); 0-based ranks give 1 / k.",
              *case([([["x", "y"]], None), ([["x", "y", "z"]], None)])),
        Check("a document missing from a list gets nothing from it", "Documents absent from a list add 0 (not a "
              "penalty rank), and every document of every list appears in the output.",
              *case([([["a", "b"], ["c", "a", "d"]], 60)])),  # no equal scores: the tie rule plays no part
        Check("uses k", "k = 60 is only the default: a small k rewards top ranks much more.",
              *case([([bm25, dense], k2)])),
        Check("ties keep first-seen order", "Equal scores (here the lists' first documents, and their second "
              "ones) stay in the order the documents were first seen: use a stable sort on the score alone, not one "
              "that breaks ties by id or reverses an ascending sort.",
              *case([([["a", "b"], ["c", "d"]], 60), ([["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]], 60)])),
    ]  # fmt: skip
