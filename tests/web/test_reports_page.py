"""A card's sources under its answer (drill card, topic page, Anki export) and "report a problem with this card":
the form under the answer, the stored report, /reports and /reports.md."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.store import CardReport, open_db
from mldrill.web.app import create_app
from webforms import csrf_of

SOURCES = ["Vaswani et al. 2017, §3.2.1", "[PyTorch docs](https://pytorch.org/docs/stable/nn.html) <b>x</b>"]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str, Path]]:
    mini_catalog(tmp_path / "content")
    alpha = tmp_path / "content" / "numerics-losses" / "alpha.yaml"
    data = yaml.safe_load(alpha.read_text())
    data["cards"][0]["sources"] = SOURCES
    alpha.write_text(yaml.safe_dump(data, sort_keys=False))
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    get_catalog.cache_clear()
    url = f"sqlite:///{tmp_path / 'web.db'}"
    yield TestClient(create_app(url), base_url="http://127.0.0.1"), url, tmp_path
    get_catalog.cache_clear()


def start(client: TestClient) -> str:
    page = client.post("/drill", data={"csrf": csrf_of(client.get("/drill").text), "topic": "alpha"})
    return str(page.url).rsplit("/", 1)[1]


def stored(url: str) -> list[tuple[str, str, str]]:
    db = open_db(url)
    with db.session() as s:
        out = [(r.item_id, r.note, r.content_hash) for r in s.query(CardReport).order_by(CardReport.id)]
    db.close()
    return out


def test_sources_show_under_the_answer_sanitized(env: tuple[TestClient, str, Path]) -> None:
    client, _, tmp = env
    sid = start(client)
    question = client.get(f"/drill/{sid}").text
    assert "Vaswani" not in question  # sources belong to the answer side
    card = client.get(f"/drill/{sid}?reveal=1").text
    sources = card.split('<div class="sources">')[1].split("</div>")[0]
    assert "Vaswani et al. 2017, §3.2.1" in sources and 'href="https://pytorch.org/docs/stable/nn.html"' in sources
    assert "<b>" not in sources and "&lt;b&gt;" in sources  # markdown, sanitized like every card text
    topic = client.get("/topics/alpha").text
    assert topic.count('<div class="sources">') == 1 and "Vaswani et al. 2017" in topic
    (tmp / "x.apkg").write_bytes(client.get("/data/export.apkg").content)
    with zipfile.ZipFile(tmp / "x.apkg") as z:
        (tmp / "c.anki2").write_bytes(z.read("collection.anki2"))
    fields = dict(
        (f.split("\x1f")[5], f.split("\x1f"))
        for (f,) in sqlite3.connect(tmp / "c.anki2").execute("SELECT flds FROM notes")
    )
    assert '<div class="sources"><b>Sources</b>' in fields["alpha/a1"][1] and "Vaswani" in fields["alpha/a1"][1]
    assert "Sources" not in fields["alpha/a2"][1]


def test_report_a_problem_with_this_card(env: tuple[TestClient, str, Path]) -> None:
    client, url, _ = env
    sid = start(client)
    card = client.get(f"/drill/{sid}?reveal=1").text
    assert f'action="/drill/{sid}/report"' in card and "Report a problem with this card" in card
    token = csrf_of(card)
    back = client.post(f"/drill/{sid}/report", data={"csrf": token, "item": "alpha/a1", "note": "§3.2.1 is <wrong>"})
    assert back.status_code == 200 and str(back.url).endswith("?reveal=1&reported=1")
    assert 'id="reported"' in back.text and "Answer of alpha/a1" in back.text  # the same card, still to rate
    [(item, note, digest)] = stored(url)
    assert (item, note, len(digest)) == ("alpha/a1", "§3.2.1 is <wrong>", 64)
    listing = client.get("/reports").text
    assert "alpha/a1" in listing and "§3.2.1 is &lt;wrong&gt;" in listing and digest[:12] in listing
    md = client.get("/reports.md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert "## alpha/a1\n" in md.text and "> §3.2.1 is <wrong>" in md.text and digest in md.text
    # Refused: empty note, a card not in this drill, no CSRF token; nothing more stored.
    assert client.post(f"/drill/{sid}/report", data={"csrf": token, "item": "alpha/a1", "note": " "}).status_code == 422
    assert client.post(f"/drill/{sid}/report", data={"csrf": token, "item": "zzz/z", "note": "x"}).status_code == 422
    assert client.post(f"/drill/{sid}/report", data={"item": "alpha/a1", "note": "x"}).status_code == 403
    cross = {"Origin": "https://attacker.example"}
    r = client.post(f"/drill/{sid}/report", data={"csrf": token, "item": "alpha/a1", "note": "x"}, headers=cross)
    assert r.status_code == 403
    assert len(stored(url)) == 1


def test_reports_are_in_the_backup(env: tuple[TestClient, str, Path]) -> None:
    client, url, _ = env
    sid = start(client)
    token = csrf_of(client.get(f"/drill/{sid}?reveal=1").text)
    client.post(f"/drill/{sid}/report", data={"csrf": token, "item": "alpha/a1", "note": "typo"})
    backup = client.get("/data/backup.json").json()
    assert [r["note"] for r in backup["tables"]["card_report"]] == ["typo"]
    db = open_db(url)
    with db.session() as s:
        s.query(CardReport).delete()
    db.close()
    files = {"file": ("b.json", client.get("/data/backup.json").content)}
    client.post("/data/restore", data={"csrf": csrf_of(client.get("/data").text), "confirm": "yes"}, files=files)
    assert stored(url) == []
    import json

    files = {"file": ("b.json", json.dumps(backup).encode())}
    client.post("/data/restore", data={"csrf": csrf_of(client.get("/data").text), "confirm": "yes"}, files=files)
    assert [n for _, n, _ in stored(url)] == ["typo"]
