"""`mldrill drill --rapid-fire` in a real pseudo-terminal: the countdown shows, runs out, and reveals the answer by
itself; a key before it runs out reveals at once. The rating is stored like any drill rating."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

import pexpect
import pytest

from minicontent import mini_catalog

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    mini_catalog(tmp_path / "content")
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "MLDRILL_CONTENT_DIR": str(tmp_path / "content"),
        "MLDRILL_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "COLUMNS": "100",
    }


def spawn(env: dict[str, str], *args: str) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-m", "mldrill", "drill", *args], env=env, encoding="utf-8", timeout=40)
    child.setwinsize(40, 100)
    return child


def test_countdown_runs_out_then_reveals_and_rates(env: dict[str, str]) -> None:
    child = spawn(env, "--rapid-fire", "--area", "numerics-losses", "--seconds", "3", "--count", "2")
    child.expect("Question of alpha/a1")
    child.expect("⏱ 3 s")
    started = time.monotonic()
    child.expect("time's up")  # no key pressed: the clock runs out by itself
    assert time.monotonic() - started >= 1.5
    child.expect("in one sentence")
    child.expect("1 Again")
    child.send("3")
    child.expect("Good")
    child.expect("Question of alpha/a4")
    child.expect("⏱")
    child.send(" ")  # a key before the clock runs out reveals at once
    child.expect("in one sentence")
    child.send("1")
    child.expect("Again")
    child.expect("⏱")  # a card failed or in learning steps comes back, as in the drill; q ends the warm-up
    child.send("q")
    child.expect("Session done")
    child.expect(pexpect.EOF)
    con = sqlite3.connect(env["MLDRILL_DATABASE_URL"].removeprefix("sqlite:///"))
    got = list(con.execute("SELECT item_id, rating FROM review ORDER BY id"))
    con.close()
    assert got == [("alpha/a1", 3), ("alpha/a4", 1)]
    assert "time's up" not in child.before  # the second card was revealed by the key, not the clock
