"""Load every topic file under src/mldrill/content/ into one in-memory index.

Loading never stops at the first bad file: every problem is collected (with file and line) and the valid parts are
kept, so `mldrill content check` can report everything at once and the app still starts on a half-edited topic.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mldrill.catalog.areas import AREA_BY_ID
from mldrill.catalog.schema import Card, Topic
from mldrill.catalog.yamlfile import YamlDoc, YamlError, read_yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Where:
    file: str
    line: int


@dataclass
class Catalog:
    topics: dict[str, Topic] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    where: dict[str, Where] = field(default_factory=dict)  # topic or card id -> its file and line
    problems: list[Problem] = field(default_factory=list)  # found while loading (syntax, schema)

    def topic_of(self, card_id: str) -> Topic:
        return self.topics[self.cards[card_id].topic_id]

    def area_of(self, card_id: str) -> str:
        return self.topic_of(card_id).area

    def select(self, *, topic: str | None = None, level: str | None = None, area: str | None = None) -> list[Card]:
        """Cards in file order, filtered by topic id, level (L1/L2/L3) and area id."""
        out: list[Card] = []
        for t in self.topics.values():
            if (topic and t.id != topic) or (area and t.area != area):
                continue
            out.extend(c for c in t.cards if not level or c.level == level)
        return out


def topic_files(root: Path = CONTENT_DIR) -> list[Path]:
    """Topic files in syllabus order (by area, then file name), so new cards come in a sensible order."""
    order = {a: i for i, a in enumerate(AREA_BY_ID)}
    files = [p for p in root.rglob("*.yaml") if p.is_file()]
    return sorted(files, key=lambda p: (order.get(p.parent.name, len(order)), str(p)))


def load_catalog(root: Path = CONTENT_DIR, files: Iterable[Path] | None = None) -> Catalog:
    cat = Catalog()
    base = root.parent
    for path in files if files is not None else topic_files(root):
        rel = _relative(path, base)
        try:
            doc = read_yaml(path)
        except YamlError as e:
            cat.problems.append(Problem(rel, e.line, e.message))
            continue
        except (OSError, UnicodeDecodeError) as e:
            cat.problems.append(Problem(rel, 1, f"cannot read file: {e}"))
            continue
        _add_topic(cat, doc, rel)
    return cat


def content_root() -> Path:
    """The package's content folder, or MLDRILL_CONTENT_DIR when set (for content authors and tests)."""
    root = os.environ.get("MLDRILL_CONTENT_DIR")
    return Path(root) if root else CONTENT_DIR


@cache
def get_catalog() -> Catalog:
    """The catalog, loaded once per process."""
    return load_catalog(content_root())


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _add_topic(cat: Catalog, doc: YamlDoc, rel: str) -> None:
    for key, line in doc.duplicate_keys:
        cat.problems.append(Problem(rel, line, f"duplicate key '{key}' (YAML keeps only the last one)"))
    for key, line in doc.cut_by_comment:
        cat.problems.append(
            Problem(rel, line, f"'{key}' is cut short: an unquoted ' #' starts a YAML comment; quote the value")
        )
    data = doc.data
    if not isinstance(data, dict):
        cat.problems.append(Problem(rel, 1, "a topic file must be a mapping (id, title, area, ..., cards)"))
        return
    raw_cards = data.get("cards") or []
    if not isinstance(raw_cards, list):
        cat.problems.append(Problem(rel, doc.line_of(["cards"]), "'cards' must be a list"))
        raw_cards = []
    try:
        topic = Topic.model_validate({**data, "cards": []})
    except ValidationError as e:
        cat.problems.extend(schema_problems(e, doc, rel, prefix=()))
        return
    cards: list[Card] = []
    for i, raw in enumerate(raw_cards):
        try:
            card = Card.model_validate(raw)
        except ValidationError as e:
            cat.problems.extend(schema_problems(e, doc, rel, prefix=("cards", i)))
            continue
        if card.id in cat.where:
            first = cat.where[card.id]
            line = doc.line_of(["cards", i])
            cat.problems.append(
                Problem(rel, line, f"duplicate card id '{card.id}' (first at {first.file}:{first.line})")
            )
            continue
        cards.append(card)
        cat.where[card.id] = Where(rel, doc.line_of(["cards", i]))
        cat.cards[card.id] = card
    topic = topic.model_copy(update={"cards": cards})
    if topic.id in cat.topics:
        first = cat.where[topic.id]
        cat.problems.append(
            Problem(rel, doc.line_of(["id"]), f"duplicate topic id '{topic.id}' (first at {first.file}:{first.line})")
        )
        return
    cat.topics[topic.id] = topic
    cat.where[topic.id] = Where(rel, doc.line_of(["id"]))


def schema_problems(e: ValidationError, doc: YamlDoc, rel: str, prefix: tuple[str | int, ...]) -> Iterator[Problem]:
    for err in e.errors():
        loc = (*prefix, *err["loc"])
        field_name = ".".join(str(p) for p in loc) or "(document)"
        yield Problem(rel, doc.line_of(list(loc)), f"{field_name}: {_describe(err)}")


def _describe(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling against the content schema, mldrill/catalog/schema.py)"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        msg = str(err["msg"])
        return f"{msg[:1].lower()}{msg[1:]}, got {err['input']!r}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"malformed id or path {err['input']!r} (expected pattern {err['ctx']['pattern']})"
    return str(err["msg"])
