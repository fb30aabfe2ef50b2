"""How far the knowledge base is: cards per area against SYLLABUS.md's targets, L3 share, follow-up share."""

from __future__ import annotations

from dataclasses import dataclass

from mldrill.catalog.areas import AREAS
from mldrill.catalog.loader import Catalog


@dataclass(frozen=True)
class AreaCoverage:
    area: str
    title: str
    topics: int
    cards: int
    target: int
    l3: int
    with_followups: int

    @property
    def met(self) -> bool:
        return self.cards >= self.target


def coverage(cat: Catalog) -> list[AreaCoverage]:
    out = []
    for a in AREAS:
        topics = [t for t in cat.topics.values() if t.area == a.id]
        cards = [c for t in topics for c in t.cards]
        out.append(
            AreaCoverage(
                a.id,
                a.title,
                len(topics),
                len(cards),
                a.target,
                sum(c.level == "L3" for c in cards),
                sum(bool(c.followups) for c in cards),
            )
        )
    return out
