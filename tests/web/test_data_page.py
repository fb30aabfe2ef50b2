"""Import, Anki export, backup and restore through the browser routes (CSRF-protected, nothing lost)."""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.store import UserCard, open_db
from mldrill.web.app import create_app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str, Path]]:
    mini_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    get_catalog.cache_clear()
    url = f"sqlite:///{tmp_path / 'web.db'}"
    yield TestClient(create_app(url), base_url="http://127.0.0.1"), url, tmp_path
    get_catalog.cache_clear()


def token(client: TestClient) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/data").text)
    assert m
    return m.group(1)


def user_cards(url: str) -> int:
    db = open_db(url)
    with db.session() as s:
        n = s.query(UserCard).count()
    db.close()
    return n


def test_import_reports_file_and_line_and_imports_nothing_on_error(env: tuple[TestClient, str, Path]) -> None:
    client, url, _ = env
    bad = client.post(
        "/data/import", data={"csrf": token(client)}, files={"file": ("deck.md", b"Q: a\nA: b\n---\nQ: no answer\n")}
    )
    assert "deck.md:4: card has no answer" in bad.text and "Nothing was imported" in bad.text
    assert user_cards(url) == 0
    good = client.post(
        "/data/import", data={"csrf": token(client), "deck": "mine"}, files={"file": ("deck.md", b"Q: a\nA: b\n")}
    )
    assert "Deck mine: 1 added" in good.text and user_cards(url) == 1
    assert client.post("/data/import", files={"file": ("deck.md", b"Q: a\nA: b\n")}).status_code == 403


def test_export_backup_restore_round_trip(env: tuple[TestClient, str, Path]) -> None:
    client, url, tmp = env
    client.post("/data/import", data={"csrf": token(client)}, files={"file": ("d.csv", b"question,answer\nq1,a1\n")})
    apkg = client.get("/data/export.apkg")
    assert apkg.status_code == 200
    (tmp / "x.apkg").write_bytes(apkg.content)
    with zipfile.ZipFile(tmp / "x.apkg") as z:
        z.extract("collection.anki2", tmp)
    assert sqlite3.connect(tmp / "collection.anki2").execute("SELECT count(*) FROM notes").fetchone()[0] == 7
    first = client.get("/data/backup.json").content
    assert json.loads(first)["format"] == "mldrill-backup"
    restored = client.post(
        "/data/restore", data={"csrf": token(client), "confirm": "yes"}, files={"file": ("b.json", first)}
    )
    assert "Restored" in restored.text and "previous history was saved" in restored.text
    assert list((tmp / "data" / "mldrill" / "backups").glob("before-restore-*.json"))
    assert client.get("/data/backup.json").content == first
    junk = client.post(
        "/data/restore", data={"csrf": token(client), "confirm": "yes"}, files={"file": ("b.json", b"{not json")}
    )
    assert "b.json:1: not valid JSON" in junk.text and user_cards(url) == 1


def test_exports_imports_and_restores_leave_nothing_in_the_temp_directory(
    env: tuple[TestClient, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _, tmp = env
    temp = tmp / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    client.post("/data/import", data={"csrf": token(client)}, files={"file": ("d.csv", b"question,answer\nq1,a1\n")})
    sizes = set()
    for _ in range(3):
        r = client.get("/data/export.apkg")
        assert r.status_code == 200 and r.headers["content-disposition"] == 'attachment; filename="mldrill.apkg"'
        sizes.add(len(r.content))
        client.post(
            "/data/restore",
            data={"csrf": token(client), "confirm": "yes"},
            files={"file": ("b.json", client.get("/data/backup.json").content)},
        )
    assert list(temp.iterdir()) == []
    assert min(sizes) > 1000


def test_an_upload_over_the_card_limit_is_refused_clearly(
    env: tuple[TestClient, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mldrill.study import importer

    client, url, _ = env
    monkeypatch.setattr(importer, "MAX_CARDS", 2)
    deck = b"Q: a\nA: b\n---\nQ: c\nA: d\n---\nQ: e\nA: f\n"
    r = client.post("/data/import", data={"csrf": token(client)}, files={"file": ("deck.md", deck)})
    assert "deck.md:1: 3 cards; at most 2 can be imported at once" in r.text and "Nothing was imported" in r.text
    assert user_cards(url) == 0


def fetches(html: str) -> list[str]:
    """Elements and attributes in `html` that would make a browser fetch something (escaped text is no tag)."""
    found: list[str] = []

    class Spy(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("img", "picture", "source", "image", "video", "audio", "link", "iframe", "object", "embed"):
                found.append(tag)
            found.extend(f"{tag}[{n}]" for n, _ in attrs if n in ("src", "srcset", "style", "poster", "background"))

    Spy().feed(html)
    return found


HOSTILE_DECK = (
    b"Q: What is MLDRILLMATH0X, and MLDRILLMATH7X next to $x^2$?\n"
    b"A: ![pixel](http://tracker.example/p.gif) ![self](/data/export.apkg) ![inline](data:image/gif;base64,R0lGOD=)"
    b' <img src="//tracker.example/q.gif"> <picture><source srcset="/data/backup.json"></picture>'
    b' <p style="background:url(/data/export.apkg)">styled</p> MLDRILLMATH1X\n'
)


def test_an_imported_card_with_placeholders_and_images_renders_and_exports(env: tuple[TestClient, str, Path]) -> None:
    """The renderer's placeholder inside a card's text used to make its page (and the Anki export) fail with 500;
    images in card text reached the page (tracking pixels, and a relative image that hit the export on every view)."""
    client, _, tmp = env
    r = client.post(
        "/data/import", data={"csrf": token(client), "deck": "evil"}, files={"file": ("e.md", HOSTILE_DECK)}
    )
    assert "1 added" in r.text
    form = client.get("/drill?topic=user/evil").text
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', form)
    assert m
    card = client.post("/drill", data={"csrf": m.group(1), "topic": "user/evil"})
    page = client.get(f"{card.url}?reveal=1")
    assert page.status_code == 200 and "MLDRILLMATH0X" in page.text and "MLDRILLMATH7X" in page.text
    assert "MLDRILLMATH1X" in page.text and r"\(x^2\)" in page.text and "[image: pixel]" in page.text
    assert fetches(page.text.split("<main>")[1]) == []
    apkg = client.get("/data/export.apkg")
    assert apkg.status_code == 200
    (tmp / "x.apkg").write_bytes(apkg.content)
    with zipfile.ZipFile(tmp / "x.apkg") as z:
        (tmp / "c.anki2").write_bytes(z.read("collection.anki2"))
    notes = [f for (f,) in sqlite3.connect(tmp / "c.anki2").execute("SELECT flds FROM notes")]
    evil = next(f for f in notes if "MLDRILLMATH0X" in f)
    assert fetches(evil) == [] and r"\(x^2\)" in evil and "[image: pixel]" in evil


VALID_BACKUP = {
    "format": "mldrill-backup",
    "version": 1,
    "tables": {
        "item_state": [
            {"item_id": iid, "kind": kind, "state": 2, "step": None, "stability": 3.5, "difficulty": 5.0,
             "due": "2026-11-01T08:00:00+00:00", "last_review": "2026-10-29T08:00:00+00:00",
             "first_review": "2026-10-29T08:00:00+00:00", "reps": 1, "lapses": 0, "status": "shaky"}
            for iid, kind in (("alpha/a1", "card"), ("gone/removed-card", "card"), ("kata/removed-kata", "kata"))
        ],
        "review": [
            {"id": 1, "item_id": "gone/removed-card", "kind": "card", "rating": 3, "duration_ms": 900,
             "reviewed_at": "2026-10-29T08:00:00+00:00", "session_id": "s", "prev_state": None}
        ],
        "setting": [{"key": "timezone", "value": "Europe/Paris"}, {"key": "new_per_day", "value": 5}],
        "kata_attempt": [
            {"id": 1, "kata_id": "removed-kata", "submitted_at": "2026-10-29T08:00:00+00:00", "status": "failed",
             "passed_checks": 0, "total_checks": 2, "duration_s": 0.5, "verdict": {"status": "failed"}, "source": "x"}
        ],
    },
}  # fmt: skip


def test_restore_checks_every_value_and_the_app_works_after_it(env: tuple[TestClient, str, Path]) -> None:
    """A bad value is refused by table, row and field, with nothing changed and no safety copy; a valid backup
    (with ids that name no current content, kept on purpose) restores and every page answers 200."""
    client, _, tmp = env
    client.post("/data/import", data={"csrf": token(client)}, files={"file": ("d.csv", b"question,answer\nq1,a1\n")})
    before = client.get("/data/backup.json").content
    bad = json.loads(json.dumps(VALID_BACKUP))
    bad["tables"]["setting"][0]["value"] = "Not/AZone"
    r = client.post(
        "/data/restore",
        data={"csrf": token(client), "confirm": "yes"},
        files={"file": ("b.json", json.dumps(bad).encode())},
    )
    assert "table setting, row 0 (timezone), field value: timezone must be an IANA time zone" in r.text
    assert "Nothing was restored" in r.text and client.get("/data/backup.json").content == before
    assert not (tmp / "data" / "mldrill" / "backups").exists()
    good = json.dumps(VALID_BACKUP).encode()
    r = client.post("/data/restore", data={"csrf": token(client), "confirm": "yes"}, files={"file": ("b.json", good)})
    assert "Restored 1 reviews" in r.text
    for page in ("/", "/stats", "/log", "/log.csv", "/katas", "/topics", "/topics/alpha", "/drill"):
        assert client.get(page).status_code == 200, page
    form = client.get("/drill").text
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', form)
    assert m
    card = client.post("/drill", data={"csrf": m.group(1)})
    assert card.status_code == 200 and "Question of" in card.text
    assert client.get(f"{card.url}?reveal=1").status_code == 200


@pytest.mark.parametrize("name", ["..", ".", "../../x.md", "/etc/passwd", "..\\..\\x.md", ".hidden.md"])
def test_an_upload_name_never_leaves_the_temporary_folder(
    env: tuple[TestClient, str, Path], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    client, _, tmp = env
    inner = tmp / "tmp" / "inner"
    inner.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(inner))
    r = client.post("/data/import", data={"csrf": token(client)}, files={"file": (name, b"Q: a\nA: b\n")})
    assert r.status_code == 200 and ("1 added" in r.text or "unsupported file type" in r.text), r.text
    assert str(tmp) not in r.text
    assert list((tmp / "tmp").iterdir()) == [inner] and list(inner.iterdir()) == []


def test_restore_asks_first_and_offers_the_previous_history_back(env: tuple[TestClient, str, Path]) -> None:
    client, url, _ = env
    client.post("/data/import", data={"csrf": token(client)}, files={"file": ("d.csv", b"question,answer\nq1,a1\n")})
    mine = client.get("/data/backup.json").content
    form = client.get("/data").text
    assert '<input type="checkbox" name="confirm" value="yes" required>' in form
    empty = json.dumps({"format": "mldrill-backup", "version": 1, "tables": {}}).encode()
    unasked = client.post("/data/restore", data={"csrf": token(client)}, files={"file": ("b.json", empty)})
    assert "Nothing was restored." in unasked.text and "Tick" in unasked.text and user_cards(url) == 1
    done = client.post(
        "/data/restore", data={"csrf": token(client), "confirm": "yes"}, files={"file": ("b.json", empty)}
    )
    assert user_cards(url) == 0
    link = re.search(r'<a href="(/data/safety/before-restore-[^"]+\.json)" id="safety-link" download>', done.text)
    assert link, done.text
    back = client.get(link.group(1))
    assert back.status_code == 200 and back.content == mine  # the history as it was, byte for byte
    assert link.group(1) in client.get("/data").text  # still offered later
    assert client.get("/data/safety/..%2Fmldrill.db").status_code == 404
    assert client.get("/data/safety/before-restore-x.json").status_code == 404


def test_restoring_a_non_backup_says_what_the_file_looks_like(env: tuple[TestClient, str, Path]) -> None:
    client, _, _ = env
    cases = [
        (b"PK\x03\x04rest", "a ZIP archive"),
        (b"SQLite format 3\x00....", "an SQLite database"),
        (b"question,answer\nq,a\n", "CSV-like text that is not JSON, starting with 'question,answer'"),
        (b"[1, 2]", "a JSON list of 2 item(s)"),
        (b'{"cards": []}', "a JSON object with keys 'cards'"),
        (b"\xff\xfe\x00binary", "binary data"),
        (b"", "an empty file"),
    ]
    for raw, words in cases:
        r = client.post("/data/restore", data={"csrf": token(client), "confirm": "yes"}, files={"file": ("x", raw)})
        assert r.status_code == 200 and "not an mldrill backup: it looks like" in r.text, raw
        assert str(escape(words)) in r.text, raw
