"""LLM-as-judge with a position swap (partial: the judge is any callable, a model in practice).

Judges prefer the first (or second) answer shown, longer answers, and their own outputs. Asking twice with the order
swapped exposes position bias: a verdict counts only when both orders agree; otherwise the pair is a tie
(inconsistent). Report the consistency rate next to the win rate. Tested in tests/ref/eval/test_eval_judge.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

Verdict = Literal["A", "B", "tie"]


def judge_pairwise(a: str, b: str, judge: Callable[[str, str], Literal["first", "second", "tie"]]) -> Verdict:
    first = judge(a, b)  # a shown first
    second = judge(b, a)  # b shown first
    a_wins = first == "first" and second == "second"
    b_wins = first == "second" and second == "first"
    return "A" if a_wins else "B" if b_wins else "tie"


def consistency_rate(
    pairs: Sequence[tuple[str, str]], judge: Callable[[str, str], Literal["first", "second", "tie"]]
) -> float:
    """Fraction of pairs whose verdict does not change when the order is swapped."""
    swap = {"first": "second", "second": "first", "tie": "tie"}
    same = [judge(a, b) == swap[judge(b, a)] for a, b in pairs]
    return sum(same) / len(same)
