"""`mldrill mock` options: what is wrong is said plainly, and nothing is started."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mldrill.catalog.loader import get_catalog
from mldrill.cli import app
from mldrill.store import open_db
from mockcontent import mock_catalog

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    mock_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("MLDRILL_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    get_catalog.cache_clear()
    open_db(f"sqlite:///{tmp_path / 'db.sqlite'}").close()  # the schema, so that "nothing started" can be read
    yield tmp_path
    get_catalog.cache_clear()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--minutes", "20"], "a mock lasts 15, 30, 45 minutes, not 20"),
        (["--area", "numerics-loss"], "no area 'numerics-loss' (did you mean numerics-losses?)"),
        (["--track", "llm-enginer"], "no track 'llm-enginer'"),
        (["--levels", "L4"], "levels must be among L1, L2, L3, got L4"),
        (["--track", "llm-engineer", "--area", "numerics-losses"], "choose a track or areas, not both"),
        (["report", "7"], "no mock interview #7"),
        (["--resume", "7"], "no mock interview #7"),
    ],
)
def test_bad_options_are_named_and_start_nothing(env: Path, args: list[str], said: str) -> None:
    res = runner.invoke(app, ["mock", *args], catch_exceptions=False)
    assert res.exit_code == 1 and said in " ".join(res.output.split()), res.output
    con = sqlite3.connect(env / "db.sqlite")
    try:
        assert con.execute("SELECT COUNT(*) FROM mock_session").fetchone() == (0,)
    finally:
        con.close()


def test_no_mock_yet(env: Path) -> None:
    res = runner.invoke(app, ["mock", "list", "--json"], catch_exceptions=False)
    assert res.exit_code == 0 and res.output.strip() == "[]"
