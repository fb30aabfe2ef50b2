"""`mldrill plan`, `mldrill fsrs fit` and the drill's study-control options, through typer's runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minicontent import mini_catalog
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


def run(*args: str, code: int = 0, stdin: str | None = None) -> str:
    res = runner.invoke(app, list(args), input=stdin, catch_exceptions=False)
    assert res.exit_code == code, res.output
    return res.output


def test_plan_lists_tracks_and_paces_the_interview(env: Path) -> None:
    empty = json.loads(run("plan", "--json"))
    assert {"llm-engineer", "ml-generalist", "classical-ml", "research-intern"} <= set(empty["tracks"])
    assert empty["track"] is None and empty["today"]["new_left"] == 20
    run("config", "new_per_day", "1")
    run("config", "track", "llm-engineer")
    run("config", "interview_date", "2099-12-31")
    p = json.loads(run("plan", "--json"))
    assert p["track"] == "llm-engineer" and p["total"] == 4 and p["pace"] == 1 and p["cap"] == 1
    run("config", "interview_date", "2000-01-02")  # in the past: no pace, the own cap
    assert json.loads(run("plan", "--json"))["verdict"] == "past"
    run("config", "timezone", "UTC")
    run("config", "interview_date", (datetime.now(UTC).date() + timedelta(days=2)).isoformat())
    p = json.loads(run("plan", "--json"))  # 4 main cards, 2 days left: 2 a day, above the own 1
    assert (p["days_left"], p["pace"], p["cap"], p["needed_by_today"]) == (2, 2, 2, 2)
    assert json.loads(run("stats", "--json"))["new_left_today"] == 2  # stats uses the plan's cap too
    assert "LLM engineer" in run("plan") and "on schedule" in run("plan")


def test_drill_options_are_checked(env: Path) -> None:
    assert "no track 'astronaut'" in run("drill", "--track", "astronaut", code=1)
    assert "no card has the tag" in run("drill", "--tag", "nope", code=1)
    assert "no area 'nowhere'" in run("drill", "--area", "nowhere", code=1)


def test_drill_header_counts_and_the_cap_message(env: Path) -> None:
    run("config", "new_per_day", "1")
    out = run("drill", "--topic", "beta", stdin=" 4q")  # reveal, Easy, then quit on the empty queue
    assert "1 new · 0 learning · 0 review" in out and "Next card due in" in out
    out = run("drill", "--topic", "beta")  # the cap (1) is used up: say so and how to study more
    assert "new-card limit is reached" in out and "mldrill drill --topic beta --extra-new 1" in out
    out = run("drill", "--topic", "beta", "--extra-new", "1", stdin=" 3q")
    assert "Question of beta/b1?" in out


def test_fsrs_fit_needs_enough_reviews(env: Path) -> None:
    res = json.loads(run("fsrs", "fit", "--json"))
    assert res["enough"] is False and res["needed"] == 512 and res["counted_reviews"] == 0 and not res["applied"]
    assert "needs 512 reviews" in run("fsrs", "fit")
