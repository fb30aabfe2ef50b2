"""Hidden checks for the squad-em-f1 kata. Expected scores: the logic of the official SQuAD v1.1 evaluation script,
written out here (normalize_answer, f1_score, exact_match_score, max over ground truths)."""

from __future__ import annotations

import re
import string
from collections import Counter

from mldrill.grader.checks import Call, Check, Judge, Outcome, showing


def _norm(s: str) -> str:
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def _f1(pred: str, gold: str) -> float:
    p, g = _norm(pred).split(), _norm(gold).split()
    if not p or not g:
        return float(p == g)
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def _score(pred: str, golds: list[str]) -> tuple[float, float]:
    return max(float(_norm(pred) == _norm(g)) for g in golds), max(_f1(pred, g) for g in golds)


def expect_scores(expected: list[tuple[float, float]]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, (em, f1)) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            try:
                g_em, g_f1 = float(o.value[0]), float(o.value[1])
            except (TypeError, ValueError, IndexError):
                return f"call {i + 1}: expected (em, f1), got {str(o.value)[:80]}"
            if g_em != em or abs(g_f1 - f1) > 1e-12:
                return f"call {i + 1}: got EM={g_em}, F1={g_f1:.6f}; expected EM={em}, F1={f1:.6f}"
        return None

    return showing(expected, judge)


def _article(rng) -> str:  # rng: np.random.Generator
    """'the', 'A', 'an.' ...: an article in a drawn case, maybe with punctuation; it normalizes to ''."""
    a = str(rng.choice(["the", "a", "an"]))
    return (a.capitalize() if rng.integers(2) else a) + str(rng.choice(["", ".", "!", ","]))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def word() -> str:  # a fresh lowercase word without a or t, so never an article
        return "".join(rng.choice(list("bcdefghijklmnopqrsuvwxyz"), size=int(rng.integers(3, 8))))

    def check(name: str, expl: str, cases: list[tuple[str, list[str]]], pad: bool = True) -> Check:
        if pad:  # one fresh word added to the prediction and every gold: the traps stay, the strings change
            w, front = word(), bool(rng.integers(2))
            cases = [(f"{w} {p}" if front else f"{p} {w}", [f"{w} {g}" if front else f"{g} {w}" for g in gs])
                     for p, gs in cases]  # fmt: skip
        return Check(name, expl, [Call((p, g)) for p, g in cases], expect_scores([_score(p, g) for p, g in cases]))

    return [
        check("matches the official script", "Normalize, then EM and token F1 against each gold, max over golds.",
              [("Denver Broncos", ["Denver Broncos", "The Denver Broncos"]),
               ("in the late 1990s", ["late 1990s", "1990s"]), ("Paris, France", ["France"])]),
        check("normalizes case, punctuation and articles", "'The Eiffel-Tower.' and 'eiffeltower' are equal after "
              "lowercasing, stripping punctuation and dropping the article.",
              [("The Eiffel-Tower.", ["eiffeltower"]), ("An apple", ["apple!"]), ("A  B", ["a b"])]),
        check("articles are whole words only", "'the' inside 'theater' and 'a' inside 'cat' are not articles.",
              [("cat", ["c t"]), ("theatre", ["atre"]), ("the theory", ["ory"])]),
        check("token F1 counts multiplicity", "'the the cat cat' vs 'cat': common tokens are counted with a Counter "
              "intersection, not a set.", [("cat cat dog", ["cat dog dog"]), ("cat cat cat", ["cat"]),
                                                         ("cat cat dog", ["cat cat"])]),
        check("empty answers after normalization", "If either side has no token, F1 is 1 when both are empty and "
              "0 otherwise (a prediction of 'the' normalizes to '').",
              [(_article(rng), [_article(rng)]), (_article(rng), [word()])], pad=False),
        check("max over golds, separately for EM and F1", "The best EM and the best F1 may come from different "
              "golds.", [("big red dog", ["red dog", "big red dog!", "dog"]), ("red", ["red dog", "blue"])]),
    ]  # fmt: skip
