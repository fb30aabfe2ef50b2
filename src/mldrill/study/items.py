"""Reviewable items: the catalog's cards plus the user's imported cards, behind one shape."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from mldrill.catalog import Catalog
from mldrill.store import Database, UserCard

USER_AREA = "user"


@dataclass(frozen=True)
class Item:
    id: str
    kind: str  # "card" (katas join with the grader issue)
    topic: str  # topic id, or "user/<deck>" for imported cards
    area: str  # SYLLABUS area id, or "user"
    level: str
    question: str
    answer: str
    trap: str
    followups: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # where the answer's claims can be checked (catalog cards; schema.Card.sources)

    @property
    def is_user(self) -> bool:
        return self.area == USER_AREA


def catalog_items(cat: Catalog) -> dict[str, Item]:
    out: dict[str, Item] = {}
    for t in cat.topics.values():
        for c in t.cards:
            out[c.id] = Item(
                c.id,
                "card",
                t.id,
                t.area,
                c.level,
                c.question,
                c.answer,
                c.trap,
                tuple(c.followups),
                tuple(c.tags),
                tuple(c.sources),
            )
    return out


def user_items(db: Database) -> dict[str, Item]:
    with db.session() as s:
        rows = s.scalars(select(UserCard).order_by(UserCard.deck, UserCard.created_at, UserCard.id)).all()
        return {
            r.id: Item(
                r.id, "card", f"user/{r.deck}", USER_AREA, r.level, r.question, r.answer, r.trap, (), tuple(r.tags)
            )
            for r in rows
        }


def kata_item_id(kata_id: str) -> str:
    return f"kata/{kata_id}"


def kata_items(cat: Catalog) -> dict[str, Item]:
    """Katas as reviewable items: a kata review is re-solving it (study/katas.py proposes the rating)."""
    from mldrill.catalog.katas import get_katas

    out = {}
    for k in get_katas().values():
        t = cat.topics.get(k.spec.topic)
        item_id = kata_item_id(k.id)
        out[item_id] = Item(item_id, "kata", k.spec.topic, t.area if t else "", k.spec.level, k.spec.title, "", "")
    return out


# A loaded catalog never changes, so its items (frozen) are built once per catalog object and shared by every
# caller: the web app asks on each page and keeps one dict per drill session.
_STATIC: dict[int, tuple[Catalog, dict[str, Item], dict[str, Item]]] = {}


def _static_items(cat: Catalog) -> tuple[dict[str, Item], dict[str, Item]]:
    hit = _STATIC.get(id(cat))
    if hit is None or hit[0] is not cat:
        if len(_STATIC) >= 8:  # tests load many small catalogs; an app holds one
            _STATIC.clear()
        hit = _STATIC[id(cat)] = (cat, catalog_items(cat), kata_items(cat))
    return hit[1], hit[2]


def all_items(cat: Catalog, db: Database) -> dict[str, Item]:
    """Catalog cards first (in file order), then the user's decks, then the katas."""
    cards, katas = _static_items(cat)
    return {**cards, **user_items(db), **katas}


def select_items(
    items: dict[str, Item],
    *,
    topic: str | None = None,
    level: str | None = None,
    area: str | None = None,
    kind: str | None = "card",
) -> list[Item]:
    return [
        it
        for it in items.values()
        if (not topic or it.topic == topic)
        and (not level or it.level == level)
        and (not area or it.area == area)
        and (not kind or it.kind == kind)
    ]
