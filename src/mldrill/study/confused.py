"""Most-confused pairs (study/confused_pairs.yaml): two cards back to back, then "what is the one difference?".

A pair is two cards, one per concept (a, b), and a compare card whose answer states the difference. A session asks
a, then b, then the compare card, whose question is put as "What is the one difference?" (its own question shown
under it) with its answer revealed after. All three ratings go to FSRS through the drill's path (DrillSession.rate).

The file is checked when loaded: every id must be a card of the catalog, the compare card must differ from a and
b, pair ids must be unique; any problem is a PairError naming the file and the line.

Derived pairs: a compare card whose id reads "<topic>/<x>-vs-<y>" gives a pair when its topic has a card (not a
compare card) whose slug is x or starts with "x-", and one for y (the first in file order), unless the compare card
is already in the file. So `layer-rms-group-norm/rmsnorm-vs-layernorm` pairs `rmsnorm` with `layernorm-forward`.

Which pairs a session takes, without --pair: the most confused first, i.e. the most Again ratings (1) in the review
log on the pair's three cards; ties keep the file order (derived pairs after the listed ones). `count` pairs
(default 3), so 9 cards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from mldrill.catalog import Catalog
from mldrill.catalog.yamlfile import YamlError, read_yaml
from mldrill.store import Database, Review

PAIRS_FILE = Path(__file__).with_name("confused_pairs.yaml")
DEFAULT_PAIRS = 3
DIFFERENCE_PROMPT = "What is the one difference?"


class PairError(ValueError):
    pass


@dataclass(frozen=True)
class Pair:
    id: str
    title: str
    a: str
    b: str
    compare: str
    derived: bool = False

    @property
    def cards(self) -> tuple[str, str, str]:
        return (self.a, self.b, self.compare)


def load_pairs(cat: Catalog, path: Path = PAIRS_FILE) -> list[Pair]:
    """The pairs of `path` in file order; PairError ("file:line: problem") on an unknown id or a malformed entry."""
    try:
        doc = read_yaml(path)
    except YamlError as e:
        raise PairError(str(e)) from None
    except OSError as e:
        raise PairError(f"{path}: cannot read: {e.strerror}") from None

    def problem(loc: tuple[str | int, ...], message: str) -> PairError:
        return PairError(f"{path}:{doc.line_of(loc)}: {message}")

    if doc.duplicate_keys:
        key, line = doc.duplicate_keys[0]
        raise PairError(f"{path}:{line}: duplicate key '{key}'")
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("pairs"), list):
        raise problem((), "expected a mapping with a 'pairs' list")
    out: list[Pair] = []
    seen: set[str] = set()
    for i, raw in enumerate(doc.data["pairs"]):
        if not isinstance(raw, dict):
            raise problem(("pairs", i), "each pair is a mapping: id, title, a, b, compare")
        fields = ("id", "title", "a", "b", "compare")
        for key in fields:
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise problem(("pairs", i, key) if key in raw else ("pairs", i), f"'{key}' is missing or not text")
        if extra := sorted(set(raw) - set(fields)):
            raise problem(("pairs", i, extra[0]), f"unknown field '{extra[0]}' (fields: {', '.join(fields)})")
        if raw["id"] in seen:
            raise problem(("pairs", i, "id"), f"duplicate pair id '{raw['id']}'")
        seen.add(raw["id"])
        for key in ("a", "b", "compare"):
            if raw[key] not in cat.cards:
                raise problem(("pairs", i, key), f"no card '{raw[key]}' in the catalog")
        if len({raw["a"], raw["b"], raw["compare"]}) < 3:
            raise problem(("pairs", i), "a, b and compare must be three different cards")
        out.append(Pair(raw["id"], raw["title"], raw["a"], raw["b"], raw["compare"]))
    return out


def derived_pairs(cat: Catalog, listed: list[Pair]) -> list[Pair]:
    """Pairs read off compare cards named "<x>-vs-<y>" (see the module docstring), not already listed."""
    taken = {p.compare for p in listed}
    ids = {p.id for p in listed}
    out: list[Pair] = []
    for card in cat.cards.values():
        slug = card.id.split("/", 1)[1]
        if card.kind != "compare" or "-vs-" not in slug or card.id in taken:
            continue
        left, right = slug.split("-vs-", 1)
        topic = cat.topic_of(card.id)

        def concept(side: str, topic_cards=topic.cards) -> str | None:
            for c in topic_cards:
                s = c.id.split("/", 1)[1]
                if c.kind != "compare" and (s == side or s.startswith(f"{side}-")):
                    return c.id
            return None

        a, b = concept(left), concept(right)
        if a and b and a != b and slug not in ids:
            out.append(Pair(slug, f"{left} vs {right}".replace("-", " "), a, b, card.id, derived=True))
            ids.add(slug)
    return out


def all_pairs(cat: Catalog, path: Path | None = None) -> list[Pair]:
    """The listed pairs then the derived ones; the file is MLDRILL_PAIRS_FILE when set (content authors, tests)."""
    listed = load_pairs(cat, path or Path(os.environ.get("MLDRILL_PAIRS_FILE") or PAIRS_FILE))
    return listed + derived_pairs(cat, listed)


def most_confused(db: Database, pairs: list[Pair], count: int) -> list[Pair]:
    """The `count` pairs with the most Again ratings on their cards (ties: list order)."""
    ids = {i for p in pairs for i in p.cards}
    with db.session() as s:
        rows = s.execute(select(Review.item_id, func.count()).where(Review.rating == 1).group_by(Review.item_id))
        again = {i: n for i, n in rows if i in ids}
    ranked = sorted(enumerate(pairs), key=lambda ip: (-sum(again.get(i, 0) for i in ip[1].cards), ip[0]))
    return [p for _, p in ranked[:count]]


def pair_roles(pairs: list[Pair]) -> dict[str, str]:
    """item id -> what it is in the session ("BN vs LN: concept 1 of 2", "...: the one difference")."""
    roles: dict[str, str] = {}
    for p in pairs:
        roles.setdefault(p.a, f"{p.title}: concept 1 of 2")
        roles.setdefault(p.b, f"{p.title}: concept 2 of 2")
        roles.setdefault(p.compare, f"{p.title}: the one difference")
    return roles
