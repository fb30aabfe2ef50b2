"""The offline answer check: the decision rule with a fake embedder (exact, known cosines), the text splitting, and
agreement with the hand-labelled set tests/study/answer_check_labels.yaml under the real MiniLM model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from mldrill.study import answer_check as ac


def table_embedder(table: dict[str, Sequence[float]]):
    """A deterministic fake: each known text has a fixed vector, so every cosine in a test is known in advance."""

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.array([table[t] for t in texts], dtype=np.float64)

    return embed


def unit(theta_deg: float) -> list[float]:
    """A 2-D unit vector at angle theta: cos(angle between two of them) = cos(theta difference)."""
    t = np.deg2rad(theta_deg)
    return [float(np.cos(t)), float(np.sin(t))]


# Key point at 0 deg, trap at 90 deg. cos(30 deg) = 0.866, cos(60 deg) = 0.5, cos(45 deg) = 0.707.
KP, TRAP = "adamw decouples weight decay", "adam and adamw are the same"
BASE = {KP: unit(0), TRAP: unit(90)}


def run(units: dict[str, float], **kw: float) -> ac.Suggestion:
    table = {**BASE, **{u: unit(a) for u, a in units.items()}}
    return ac.decide(list(units), [KP], [TRAP], table_embedder(table), **kw)


def test_close_unit_hits_and_score_is_its_cosine() -> None:
    s = run({"decay is applied to the weights directly": 30})
    assert s.hits == (True,)
    assert s.scores[0] == pytest.approx(np.cos(np.deg2rad(30)))
    assert not s.states_trap
    assert s.trap_score == pytest.approx(np.cos(np.deg2rad(60)))


def test_far_unit_is_no_hit() -> None:
    s = run({"something else entirely": 70}, hit_threshold=0.55)  # cos 70 = 0.34 < 0.55
    assert s.hits == (False,) and s.scores == (0.0,)


def test_unit_closer_to_trap_is_never_a_hit_even_above_threshold() -> None:
    # cos to key point = cos 50 = 0.643 >= 0.6, but cos to trap = cos 40 = 0.766 is larger: a trap statement
    s = run({"they are basically the same optimizer": 50}, hit_threshold=0.6, trap_threshold=0.7)
    assert s.hits == (False,)
    assert s.states_trap
    assert s.trap_score == pytest.approx(np.cos(np.deg2rad(40)))


def test_trap_margin_widens_the_gap_required() -> None:
    units = {"a borderline sentence": 40}  # kp 0.766, trap 0.643: closer to the key point by 0.123
    assert run(units, hit_threshold=0.5, trap_margin=0.1).hits == (True,)
    assert run(units, hit_threshold=0.5, trap_margin=0.2).hits == (False,)


def test_negated_unit_does_not_hit_a_positive_key_point() -> None:
    # identical direction (cosine 1), but the unit denies what the key point asserts
    s = run({"adamw does not decouple weight decay": 0})
    assert s.hits == (False,)


def test_negated_trap_statement_is_not_stating_the_trap() -> None:
    s = run({"adam and adamw are not the same": 90}, trap_threshold=0.6)
    assert s.trap_score == pytest.approx(1.0)
    assert not s.states_trap


def test_best_unit_wins_over_several() -> None:
    s = run({"weak": 65, "strong": 10, "trap-ish": 85}, hit_threshold=0.55, trap_threshold=0.9)
    assert s.hits == (True,)
    assert s.scores[0] == pytest.approx(np.cos(np.deg2rad(10)))
    assert s.states_trap  # cos 5 = 0.996 to the trap, above 0.9 and closer than to the key point


def test_one_flag_per_key_point() -> None:
    kp2 = "decay is not scaled by the adaptive denominator"
    table = {KP: [1, 0, 0], kp2: [0, 1, 0], TRAP: [0, 0, 1], "decoupled decay": [1, 0.1, 0]}
    s = ac.decide(["decoupled decay"], [KP, kp2], [TRAP], table_embedder(table), hit_threshold=0.5)
    assert s.hits == (True, False)
    assert len(s.scores) == 2


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("One. Two words here.", ["One.", "Two words here."]),
        (
            "Use e.g. AdamW with lr 3e-4. Then warm up for 2.5k steps.",
            ["Use e.g. AdamW with lr 3e-4.", "Then warm up for 2.5k steps."],
        ),
        (
            "BN mixes examples, but LN does not.",
            ["BN mixes examples, but LN does not.", "BN mixes examples", "LN does not."],
        ),
        ("first; second part", ["first", "second part"]),
        ("", []),
        ("  ...  ", []),
    ],
)
def test_split_units(answer: str, expected: list[str]) -> None:
    assert ac.split_units(answer) == expected


@pytest.mark.parametrize(
    ("trap", "expected"),
    [
        (
            '"BN normalizes each example" or "each position separately." BN pools.',
            ["BN normalizes each example", "each position separately"],
        ),
        ('"Adam and AdamW are the same." They differ in decay.', ["Adam and AdamW are the same"]),
        ('Forgetting `model.eval()`. It changes "running" stats.', ["Forgetting `model.eval()`."]),
        ('"A." And then "B" later in the text.', ["A"]),
    ],
)
def test_trap_claims(trap: str, expected: list[str]) -> None:
    assert ac.trap_claims(trap) == expected


def test_suggest_returns_none_on_empty_input() -> None:
    assert ac.suggest("", ["a point"], "trap") is None
    assert ac.suggest("an answer", [], "trap") is None
