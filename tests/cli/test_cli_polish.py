"""Terminal polish: --version, did-you-mean and the list of areas for unknown ids, a busy port said in words, a
restore of a non-backup described, tables that never cut an id."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minicontent import mini_catalog
from mldrill.catalog.areas import AREA_BY_ID
from mldrill.catalog.loader import get_catalog
from mldrill.cli import app

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


def run(*args: str, code: int = 0, width: int = 80) -> str:
    res = runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": str(width)})
    assert res.exit_code == code, res.output
    return res.output


def test_version() -> None:
    assert run("--version").strip() == f"mldrill {version('mldrill')}"


def test_unknown_ids_suggest_and_an_unknown_area_lists_the_areas(env: Path) -> None:
    assert "no topic 'alpah' (did you mean alpha?)" in run("drill", "--topic", "alpah", code=1)
    out = run("drill", "--area", "attention-transformer", code=1, width=400)
    assert "no area 'attention-transformer' (did you mean attention-transformers?)" in out
    assert all(a in out for a in AREA_BY_ID) and "user" in out
    assert "no kata 'stable-sofmax' (did you mean stable-softmax, " in run("kata", "hint", "stable-sofmax", code=1)


def test_a_busy_port_is_said_and_another_suggested(env: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = run("serve", "--port", str(port), code=1, width=300)
    m = re.search(rf"port {port} on 127.0.0.1 is in use .*try another: mldrill serve --port (\d+)", out)
    assert m, out
    with socket.socket() as probe:  # the port suggested was free when it was said
        probe.bind(("127.0.0.1", int(m.group(1))))


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04....", "a ZIP archive"),
        (b"question,answer\nq,a\n", "CSV-like text that is not JSON"),
        (b"\x00\xff\xfe", "binary data"),
        (b'{"cards": [1]}', "a JSON object with keys 'cards'"),
    ],
)
def test_restore_of_a_non_backup_says_what_it_looks_like(env: Path, content: bytes, words: str) -> None:
    f = env / "thing.bin"
    f.write_bytes(content)
    out = run("restore", str(f), code=1, width=400)
    assert "not an mldrill backup: it looks like" in out and words in out and "Traceback" not in out


@pytest.mark.parametrize("width", [60, 80, 120])
def test_tables_never_cut_an_id(env: Path, width: int) -> None:
    """Every kata id, topic id and card id appears whole on one line, at any terminal width."""
    from mldrill.catalog.katas import get_katas

    katas = run("kata", "list", width=width)
    assert all(re.search(rf"│ {re.escape(k)} +│", katas) for k in get_katas()), katas[:2000]
    assert max(len(line) for line in katas.splitlines()) <= width
    topics = run("topics", width=width)
    assert re.search(r"│ alpha +│", topics) and re.search(r"│ beta +│", topics)
    assert "(--area numerics-losses)" in topics or "numerics-losses" in topics
    shown = run("show", "alpha", width=width)
    assert all(re.search(rf"│ alpha/a{i} +│", shown) for i in range(1, 5))


def test_the_log_table_shows_the_question_and_keeps_the_id_whole(env: Path) -> None:
    from clockutil import FakeClock
    from mldrill.store import open_db
    from mldrill.study.items import all_items
    from mldrill.study.scheduler import Settings
    from mldrill.study.session import DrillSession

    db = open_db()
    items = all_items(get_catalog(), db)
    DrillSession(db, items, [items["alpha/a1"]], settings=Settings(fuzz=False), clock=FakeClock()).rate(3)
    db.close()
    for width in (60, 100):
        out = run("log", width=width)
        assert re.search(r"│ alpha/a1 +│", out) and "Question of" in out, out
        assert re.search(r"\d{4}-\d\d-\d\d +│", out) and not re.search(r"T\d\d:\d\d", out)  # short dates
    assert "| alpha/a1 | Question of alpha/a1? |" in run("log", "--format", "md")
