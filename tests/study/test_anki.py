"""Anki export: a real .apkg (a zip holding an Anki SQLite collection) with one deck per area and tagged notes."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

from minicontent import mini_catalog
from mldrill.study.anki import export_apkg
from mldrill.study.items import Item, catalog_items


def test_apkg_has_decks_per_area_notes_and_tags(tmp_path: Path) -> None:
    items = list(catalog_items(mini_catalog(tmp_path / "content")).values())
    items.append(Item("user/mine/q", "card", "user/mine", "user", "L2", "Q <script>x()</script>", "A", "", (), ("t",)))
    out = tmp_path / "deck.apkg"
    counts = export_apkg(items, out)
    assert counts == {
        "mldrill::Numerics & loss functions": 4,
        "mldrill::Attention & transformers": 2,
        "mldrill::My cards::mine": 1,
    }
    with zipfile.ZipFile(out) as z:
        z.extract("collection.anki2", tmp_path)
    con = sqlite3.connect(tmp_path / "collection.anki2")
    notes = con.execute("SELECT flds, tags FROM notes").fetchall()
    decks = json.loads(con.execute("SELECT decks FROM col").fetchone()[0])
    con.close()
    assert len(notes) == 7
    assert {"mldrill::Numerics & loss functions", "mldrill::My cards::mine"} <= {d["name"] for d in decks.values()}
    by_id = {f.split("\x1f")[5]: (f.split("\x1f"), tags) for f, tags in notes}
    fields, tags = by_id["alpha/a1"]
    assert "level::L1" in tags and "topic::alpha" in tags and "area::numerics-losses" in tags
    assert r"\(x^2\)" in fields[1]  # math handed to Anki's MathJax
    assert "<script>" not in by_id["user/mine/q"][0][0]  # sanitized


def test_export_leaves_nothing_in_the_temp_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """genanki's own writer leaves its SQLite file in the temp directory on every call; ours builds it in memory."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    items = list(catalog_items(mini_catalog(tmp_path / "content")).values())
    for i in range(3):
        export_apkg(items, tmp_path / "out" / f"deck{i}.apkg")
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["deck0.apkg", "deck1.apkg", "deck2.apkg"]
    with zipfile.ZipFile(tmp_path / "out" / "deck2.apkg") as z:
        assert z.testzip() is None and json.loads(z.read("media")) == {}
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    con = sqlite3.connect(tmp_path / "c.anki2")
    assert con.execute("SELECT count(*) FROM notes").fetchone()[0] == 6
    con.close()
