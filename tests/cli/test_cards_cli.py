"""`mldrill cards ...` through typer's runner: search, show, suspend/bury/flag/note/reset, decks and their deletion,
and `mldrill import` of an Anki package saying what it skipped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import genanki
import pytest
from typer.testing import CliRunner

from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.cli import app
from mldrill.store import CardMark, Review, open_db
from mldrill.study.items import catalog_items
from mldrill.study.session import DrillSession

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    mini_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("MLDRILL_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    get_catalog.cache_clear()
    yield tmp_path
    get_catalog.cache_clear()


def run(*args: str, code: int = 0, input: str | None = None) -> str:
    res = runner.invoke(app, list(args), catch_exceptions=False, input=input)
    assert res.exit_code == code, res.output
    return res.output


def test_search_show_and_every_action(env: Path) -> None:
    found = json.loads(run("cards", "search", "trap B1.", "--json"))
    assert found["total"] == 1 and found["cards"][0]["id"] == "beta/b1" and found["cards"][0]["state"] == "new"
    assert "alpha/a2" in run("cards", "search", "answer a2")
    assert "No card holds every word" in run("cards", "search", "nothing here")
    assert "suspended" in run("cards", "suspend", "beta/b1")
    assert "buried until tomorrow" in run("cards", "bury", "alpha/a1")
    assert "flagged blue" in run("cards", "flag", "alpha/a2", "blue")
    assert "note saved" in run("cards", "note", "alpha/a2", "my words")
    assert "flag must be 1-7" in run("cards", "flag", "alpha/a2", "mauve", code=1)
    assert "did you mean: alpha/a1" in run("cards", "suspend", "alpha/a", code=1)
    shown = json.loads(run("cards", "show", "alpha/a2", "--json"))
    assert (shown["flag"], shown["note"], shown["suspended"], shown["history"]) == ("blue", "my words", False, [])
    assert "Your note: my words" in run("cards", "show", "alpha/a2")
    db = open_db()  # MLDRILL_DATABASE_URL
    with db.session() as s:
        b1, a1 = s.get(CardMark, "beta/b1"), s.get(CardMark, "alpha/a1")
        assert b1 is not None and b1.suspended and a1 is not None and a1.buried_until is not None
    items = catalog_items(get_catalog())
    session = DrillSession(db, items, list(items.values()))
    assert "beta/b1" not in session.queue and "alpha/a1" not in session.queue
    session.queue = ["alpha/a2"]
    session.rate(3)
    assert json.loads(run("cards", "show", "alpha/a2", "--json"))["history"][0]["rating"] == "Good"
    assert "nothing reset" in run("cards", "reset", "alpha/a2", input="n\n", code=1)
    assert "reset: new again" in run("cards", "reset", "alpha/a2", input="y\n")
    with db.session() as s:
        assert s.query(Review).count() == 0
    assert "unsuspended" in run("cards", "unsuspend", "beta/b1")
    assert "unflagged" in run("cards", "unflag", "alpha/a2")
    db.close()


def test_import_an_apkg_then_list_and_delete_the_deck(env: Path) -> None:
    deck = genanki.Deck(1_234_567_890, "Anki deck")
    deck.add_note(genanki.Note(genanki.BASIC_MODEL, ["What is a KV cache?", "Stored keys and values."]))
    deck.add_note(genanki.Note(genanki.BASIC_MODEL, ['<img src="x.png">', "a picture"]))
    path = env / "from-anki.apkg"
    genanki.Package(deck).write_to_file(path)
    out = run("import", str(path))
    assert "deck from-anki: 1 added, 0 updated" in out and "1 note(s) skipped" in out
    assert "user/from-anki/" in run("cards", "search", "kv cache")
    assert json.loads(run("cards", "decks", "--json")) == [{"deck": "from-anki", "cards": 1, "seen": 0, "due": 0}]
    assert "nothing deleted" in run("cards", "delete-deck", "from-anki", input="n\n", code=1)
    assert "deleted deck from-anki (1 cards" in run("cards", "delete-deck", "from-anki", "--yes")
    assert "no deck 'from-anki'" in run("cards", "delete-deck", "from-anki", "--yes", code=1)
    assert "No imported decks yet" in run("cards", "decks")


def test_leech_settings_through_config(env: Path) -> None:
    assert "leech_threshold = 5" in run("config", "leech_threshold", "5")
    assert 'leech_action = "tag"' in run("config", "leech_action", "tag")
    assert "must be one of suspend, tag" in run("config", "leech_action", "ask", code=1)
    assert "must be a whole number from 1 to 1000" in run("config", "leech_threshold", "0", code=1)
    assert json.loads(run("config", "--json"))["leech_threshold"] == 5
