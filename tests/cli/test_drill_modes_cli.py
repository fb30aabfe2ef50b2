"""`mldrill drill --rapid-fire` and `--confused` through typer's runner: one-sentence answers, the pairs' "one
difference" step, ratings stored through FSRS, and the option errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    mini_catalog(tmp_path / "content")
    alpha = tmp_path / "content" / "numerics-losses" / "alpha.yaml"
    data = yaml.safe_load(alpha.read_text())
    data["cards"][0]["answer"] = "The first sentence of a1 is this one. The second sentence must not show."
    alpha.write_text(yaml.safe_dump(data, sort_keys=False))
    pairs = tmp_path / "pairs.yaml"
    pairs.write_text("pairs:\n  - {id: ab, title: A vs B, a: alpha/a1, b: beta/b1, compare: alpha/a4}\n")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("MLDRILL_PAIRS_FILE", str(pairs))
    monkeypatch.setenv("MLDRILL_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    get_catalog.cache_clear()
    yield tmp_path
    get_catalog.cache_clear()


def reviews(env: Path) -> list[tuple[str, int]]:
    con = sqlite3.connect(env / "db.sqlite")
    try:
        return list(con.execute("SELECT item_id, rating FROM review ORDER BY id"))
    finally:
        con.close()


def test_rapid_fire_shows_one_sentence_and_rates(env: Path) -> None:
    out = runner.invoke(
        app,
        ["drill", "--rapid-fire", "--area", "numerics-losses", "--count", "2"],
        input=" 3 1q",
        catch_exceptions=False,
    )
    assert out.exit_code == 0, out.output
    assert "in one sentence" in out.output
    assert "The first sentence of a1 is this one." in out.output
    assert "The second sentence must not show" not in out.output
    assert "Trap of alpha/a1" not in out.output  # rapid-fire shows the one sentence only
    assert "Question of alpha/a2" not in out.output  # no follow-ups
    assert reviews(env) == [("alpha/a1", 3), ("alpha/a4", 1)]
    assert "2 rating(s)" in out.output


def test_confused_pair_asks_both_then_the_one_difference(env: Path) -> None:
    out = runner.invoke(app, ["drill", "--confused", "--pair", "ab"], input=" 3 4 2", catch_exceptions=False)
    assert out.exit_code == 0, out.output
    text = out.output
    assert text.index("A vs B: concept 1 of 2") < text.index("Question of alpha/a1?")
    assert text.index("Question of alpha/a1?") < text.index("Question of beta/b1?")
    diff = text.index("What is the one difference?")
    assert text.index("Question of beta/b1?") < diff < text.index("Question of alpha/a4?")
    assert reviews(env) == [("alpha/a1", 3), ("beta/b1", 4), ("alpha/a4", 2)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rapid-fire", "--confused"], "choose one of --rapid-fire and --confused"),
        (["--pair", "ab"], "--pair goes with --confused"),
        (["--rapid-fire", "--topic", "alpha"], "--rapid-fire takes only"),
        (["--confused", "--area", "numerics-losses"], "--confused takes --pair and --count"),
        (["--count", "3"], "--count goes with --rapid-fire or --confused"),
        (["--confused", "--pair", "zz"], "no pair 'zz'; pairs: ab"),
        (["--rapid-fire", "--track", "nope"], "no track 'nope'"),
    ],
)
def test_mode_option_errors(env: Path, args: list[str], message: str) -> None:
    out = runner.invoke(app, ["drill", *args], catch_exceptions=False)
    assert out.exit_code == 1, out.output
    assert message in " ".join(out.output.split())
    assert not (env / "db.sqlite").exists() or reviews(env) == []
