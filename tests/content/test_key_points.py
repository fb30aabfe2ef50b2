"""Key points: every L2/L3 card lists 2-5 phrases a grader listens for, each stated in its answer (validate.py)."""

from __future__ import annotations

from mldrill.catalog import load_catalog
from mldrill.catalog.loader import Catalog
from mldrill.catalog.validate import _check_key_points, _stems, key_point_problem


def test_every_card_has_key_points() -> None:
    cat = load_catalog()
    missing = [c.id for c in cat.cards.values() if not c.key_points]
    assert not missing, f"cards without key points: {missing[:20]}"
    assert _check_key_points(cat) == []


def test_the_validator_names_a_card_without_key_points(tmp_path) -> None:
    cat = load_catalog()
    card = next(c for c in cat.cards.values() if c.level == "L3")
    stripped = Catalog(
        topics=cat.topics,
        cards={**cat.cards, card.id: card.model_copy(update={"key_points": []})},
        where=cat.where,
        problems=[],
    )
    problems = _check_key_points(stripped)
    assert [p.message for p in problems] == [f"card '{card.id}' has 0 key points; an L3 card needs 2 to 5"]


def test_a_key_point_must_be_stated_in_the_answer() -> None:
    answer = _stems("Dividing by sqrt(d_k) keeps the softmax out of saturation, where gradients vanish.")
    assert key_point_problem("Scaling keeps the softmax out of saturation", answer) is None
    assert key_point_problem("Layer normalisation replaces the temperature entirely", answer) is not None
    assert key_point_problem("x" * 161, answer) is not None
