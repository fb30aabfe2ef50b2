"""Export the catalog (and the user's decks) to an Anki package with genanki.

One deck per area ("mldrill::<area title>"), one note per card with fields Question, Answer (with the card's
sources, if any, listed under it), Trap, Level, Topic, Id; tags `level::L2`, `topic::<id>`, `area::<id>`. Note
GUIDs derive from the card id, so re-importing an updated export updates notes in place instead of duplicating them.
Math becomes \\( \\) / \\[ \\] for Anki's MathJax.
"""

from __future__ import annotations

import io
import itertools
import sqlite3
import time
import zipfile
import zlib
from pathlib import Path

import genanki

from mldrill.catalog.areas import AREA_BY_ID
from mldrill.render import md_to_html
from mldrill.study.items import Item

_MODEL_ID = 1_607_392_319  # fixed forever: Anki matches note types by id
_CSS = """.card { font-family: -apple-system, 'Segoe UI', sans-serif; font-size: 18px; text-align: left;
  max-width: 46em; margin: auto; line-height: 1.5; }
.meta { color: #888; font-size: 13px; }
.trap { border-left: 4px solid #d9822b; padding-left: .8em; margin-top: 1em; }
.sources { color: #888; font-size: 13px; margin-top: 1em; }"""

MODEL = genanki.Model(
    _MODEL_ID,
    "mldrill card",
    fields=[{"name": n} for n in ("Question", "Answer", "Trap", "Level", "Topic", "Id")],
    templates=[
        {
            "name": "Card 1",
            "qfmt": '<div class="meta">{{Topic}} · {{Level}}</div>{{Question}}',
            "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}'
            '{{#Trap}}<div class="trap"><b>Trap.</b> {{Trap}}</div>{{/Trap}}',
        }
    ],
    css=_CSS,
)


def _deck_id(name: str) -> int:
    return 1_000_000_000 + zlib.crc32(name.encode()) % 1_000_000_000


def _tag(text: str) -> str:
    return text.replace(" ", "_")


def _sources_html(it: Item) -> str:
    """The card's sources under its answer (inside the Answer field: the note type keeps its fields)."""
    if not it.sources:
        return ""
    entries = "".join(f"<li>{md_to_html(src)}</li>" for src in it.sources)
    return f'<div class="sources"><b>Sources</b><ul>{entries}</ul></div>'


def build_package(items: list[Item]) -> genanki.Package:
    decks: dict[str, genanki.Deck] = {}
    for it in items:
        title = AREA_BY_ID[it.area].title if it.area in AREA_BY_ID else f"My cards::{it.topic.removeprefix('user/')}"
        name = f"mldrill::{title}"
        deck = decks.setdefault(name, genanki.Deck(_deck_id(name), name))
        fields = [
            md_to_html(it.question),
            md_to_html(it.answer) + _sources_html(it),
            md_to_html(it.trap) if it.trap else "",
        ]
        fields += [it.level, it.topic, it.id]
        tags = [f"level::{it.level}", f"topic::{_tag(it.topic)}", f"area::{_tag(it.area)}"]
        tags += [_tag(t) for t in it.tags]
        deck.add_note(genanki.Note(model=MODEL, fields=fields, tags=tags, guid=genanki.guid_for("mldrill", it.id)))
    return genanki.Package(list(decks.values()))


def package_bytes(pkg: genanki.Package, timestamp: float | None = None) -> bytes:
    """The .apkg file's bytes, built in memory. genanki's own write_to_file leaves its SQLite file in the temp
    directory on every call (2+ MB per export); here the collection is an in-memory database, serialized into the
    zip, so nothing touches the disk."""
    timestamp = time.time() if timestamp is None else timestamp
    conn = sqlite3.connect(":memory:")
    try:
        pkg.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        conn.commit()
        collection = conn.serialize()
    finally:
        conn.close()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("collection.anki2", collection)
        z.writestr("media", "{}")  # no media files: images never come from cards (render.py)
    return buf.getvalue()


def export_apkg(items: list[Item], path: Path) -> dict[str, int]:
    from mldrill.store.backup import write_bytes_atomic

    pkg = build_package(items)
    write_bytes_atomic(Path(path), package_bytes(pkg))
    return {d.name: len(d.notes) for d in pkg.decks}
