"""Key points: every L2/L3 card lists 2-5 phrases a grader listens for, each stated in its answer (validate.py).

Areas still being written are listed in key_points_pending.txt; the list may only shrink, and a listed area that is
complete fails the test so the list stays honest.
"""

from __future__ import annotations

from pathlib import Path

from mldrill.catalog import load_catalog
from mldrill.catalog.loader import Catalog
from mldrill.catalog.validate import _stems, key_point_problem

PENDING = {
    ln.strip() for ln in (Path(__file__).parent / "key_points_pending.txt").read_text().splitlines() if ln.strip()
}


def _missing_by_area(cat: Catalog) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in cat.cards.values():
        if c.level != "L1" and not c.key_points:
            out.setdefault(cat.topics[c.topic_id].area, []).append(c.id)
    return out


def test_every_l2_l3_card_has_key_points() -> None:
    missing = _missing_by_area(load_catalog())
    unlisted = {a: ids for a, ids in missing.items() if a not in PENDING}
    assert not unlisted, f"L2/L3 cards without key points: {unlisted}"


def test_pending_list_is_honest() -> None:
    cat = load_catalog()
    areas = {t.area for t in cat.topics.values()}
    assert areas >= PENDING, f"unknown areas in key_points_pending.txt: {PENDING - areas}"
    done = PENDING - set(_missing_by_area(cat))
    assert not done, f"these areas have all their key points; remove them from key_points_pending.txt: {done}"


def test_a_key_point_must_be_stated_in_the_answer() -> None:
    answer = _stems("Dividing by sqrt(d_k) keeps the softmax out of saturation, where gradients vanish.")
    assert key_point_problem("Scaling keeps the softmax out of saturation", answer) is None
    assert key_point_problem("Layer normalisation replaces the temperature entirely", answer) is not None
    assert key_point_problem("x" * 161, answer) is not None
