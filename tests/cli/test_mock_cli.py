"""`mldrill mock` options: what is wrong is said plainly, and nothing is started."""

from __future__ import annotations

import json
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


def _start(env: Path) -> int:
    from mldrill.study.clock import utcnow
    from mldrill.study.items import all_items
    from mldrill.study.mock_run import MockChoice, start_mock

    db = open_db(f"sqlite:///{env / 'db.sqlite'}")
    cat = get_catalog()
    try:
        return start_mock(db, cat, all_items(cat, db), MockChoice(minutes=15, seed=1), now=utcnow())
    finally:
        db.close()


def test_report_md_dash_prints_to_stdout_not_a_file_named_dash(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mock_id = _start(env)
    monkeypatch.chdir(env)
    res = runner.invoke(app, ["mock", "report", str(mock_id), "--md", "-"], catch_exceptions=False)
    assert res.exit_code == 0 and res.output.startswith(f"# Mock interview #{mock_id}"), res.output[:200]
    assert not (env / "-").exists()


def test_an_answer_over_the_limit_is_asked_again_not_a_traceback(env: Path) -> None:
    from mldrill.study.mock_run import MAX_ANSWER, answers

    mock_id = _start(env)
    typed = "x" * (MAX_ANSWER + 1) + "\n\nshort answer\n\n"
    res = runner.invoke(app, ["mock", "--resume", str(mock_id)], input=typed)  # input ends: the mock is left
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert f"an answer is at most {MAX_ANSWER}" in " ".join(res.output.split())
    db = open_db(f"sqlite:///{env / 'db.sqlite'}")
    try:
        assert answers(db, mock_id)[0].answer == "short answer"
    finally:
        db.close()


def test_key_points_with_brackets_print_whole_not_as_rich_markup(env: Path) -> None:
    """17 catalog key points hold brackets ('E[x²] - μ²', 'a[lo]', '[x_min, x_max]'); Rich read them as style tags
    and printed 'E - μ²', 'a', '' in the mock's review."""
    from mldrill.study.mock_run import current

    mock_id = _start(env)
    db = open_db(f"sqlite:///{env / 'db.sqlite'}")
    try:
        row = current(db, mock_id).row
        assert row is not None
        n = len(row.key_points)
        assert n >= 2
        points = ["Compute E[x²] - μ² carefully", "a[lo] can't pair", *[f"p{i}" for i in range(n - 2)]]
        con = sqlite3.connect(env / "db.sqlite")
        con.execute("UPDATE mock_answer SET key_points = ? WHERE id = ?", (json.dumps(points), row.id))
        con.commit()
        con.close()
    finally:
        db.close()
    res = runner.invoke(app, ["mock", "--resume", str(mock_id)], input="my answer\n\nn\n\n\n")
    out = " ".join(res.output.split())
    assert "E[x²] - μ²" in out and "a[lo] can't pair" in out, out[-1500:]
