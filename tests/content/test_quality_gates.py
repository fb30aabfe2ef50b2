"""Quality gates of the knowledge base (SYLLABUS.md targets and study-system rules)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from mldrill.catalog import Catalog, load_catalog
from mldrill.catalog.areas import AREAS
from mldrill.catalog.coverage import coverage
from mldrill.catalog.schema import KINDS


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def test_every_area_meets_its_target(cat: Catalog) -> None:
    short = [f"{r.area}: {r.cards}/{r.target}" for r in coverage(cat) if not r.met]
    assert not short, f"areas below their SYLLABUS.md target: {short}"
    assert len(cat.cards) >= sum(a.target for a in AREAS) >= 500


def test_level_and_follow_up_shares(cat: Catalog) -> None:
    cards = list(cat.cards.values())
    l3 = sum(c.level == "L3" for c in cards) / len(cards)
    with_followups = sum(bool(c.followups) for c in cards) / len(cards)
    assert l3 >= 0.25, f"L3 share {l3:.1%}"
    assert with_followups >= 0.40, f"follow-up share {with_followups:.1%}"
    assert set(Counter(c.kind for c in cards)) == set(KINDS)


def test_every_misconception_has_its_card(cat: Catalog) -> None:
    tagged = {t: c for c in cat.cards.values() for t in c.tags if re.fullmatch(r"M\d+", t)}
    missing = [f"M{n}" for n in range(1, 70) if f"M{n}" not in tagged]
    assert not missing, f"misconceptions without a card: {missing}"
    untagged = [c.id for t, c in tagged.items() if "misconception" not in c.tags]
    assert not untagged, f"cards tagged M<n> but not 'misconception': {untagged}"


def test_answers_have_spoken_length(cat: Catalog) -> None:
    """L2/L3 answers are 80-250 words (60-90 s aloud); L1 answers at least 25 words."""
    bad = []
    for c in cat.cards.values():
        words = len(c.answer.split())
        if (c.level != "L1" and not 80 <= words <= 250) or (c.level == "L1" and words < 25):
            bad.append(f"{c.id} ({c.level}): {words} words")
    assert not bad, "\n".join(bad)


def test_every_topic_has_a_remember_line_and_summary(cat: Catalog) -> None:
    assert all(t.remember.strip() and len(t.summary.split()) >= 60 for t in cat.topics.values())
