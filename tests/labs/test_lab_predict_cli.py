"""`mldrill lab NAME` asks the lab's predict-first question in a terminal, stores the answer once (lab_prediction, as
the web does) and says after the result whether it was right; --json, --no-predict and piped input skip it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

import mldrill.cli.lab as cli_lab
from mldrill.cli import app
from mldrill.labs import get_lab
from mldrill.store import open_db
from mldrill.study.labs import prediction_of

LAB = "kv_cache_memory"
SMALL = ["--n-layer", "2", "--seq-len", "1024"]
SRC = Path(__file__).resolve().parents[2] / "src"
runner = CliRunner()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("MLDRILL_DATABASE_URL", url)
    return url


def stored(url: str) -> tuple[int, bool] | None:
    db = open_db(url)
    try:
        p = prediction_of(db, LAB)
        return None if p is None else (p.choice, p.correct)
    finally:
        db.close()


def test_asks_first_stores_once_and_says_if_it_was_right(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = get_lab(LAB).predict
    assert q is not None
    monkeypatch.setattr(cli_lab, "interactive", lambda: True)
    wrong = 1 + (q.answer + 1) % len(q.choices)  # a 1-based choice that is not the answer
    args = ["lab", LAB, *SMALL, "--out", str(tmp_path / "o")]
    res = runner.invoke(app, args, input=f"9\n{wrong}\n", catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.index("Predict first:") < out.index("your prediction") < out.index("The cache is")  # asked first
    assert f"1. {q.choices[0]}" in out and "not quite" in out and f"Answer: {q.choices[q.answer]}" in out
    assert "9 is not in the range" in out  # out-of-range input is asked again
    assert stored(db_url) == (wrong - 1, False)
    res = runner.invoke(app, args, input="", catch_exceptions=False)  # answered once: not asked again
    assert res.exit_code == 0 and "you answered on" in res.output and "your prediction (" not in res.output
    assert stored(db_url) == (wrong - 1, False)


@pytest.mark.parametrize("flag", ["--json", "--no-predict"])
def test_json_and_no_predict_skip_the_question(
    flag: str, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_lab, "interactive", lambda: True)
    res = runner.invoke(app, ["lab", LAB, *SMALL, "--out", str(tmp_path / "o"), flag], catch_exceptions=False)
    assert res.exit_code == 0 and "Predict first" not in res.output and stored(db_url) is None


def test_piped_input_is_not_interactive(db_url: str, tmp_path: Path) -> None:
    res = runner.invoke(app, ["lab", LAB, *SMALL, "--out", str(tmp_path / "o")], input="2\n", catch_exceptions=False)
    assert res.exit_code == 0 and "Predict first" not in res.output and stored(db_url) is None


def test_in_a_real_terminal(db_url: str, tmp_path: Path) -> None:
    q = get_lab(LAB).predict
    assert q is not None
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "MLDRILL_DATABASE_URL": db_url,
        "TERM": "xterm-256color",
        "COLUMNS": "100",
    }
    args = ["-m", "mldrill", "lab", LAB, *SMALL, "--out", str(tmp_path / "o")]
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=60)
    child.setwinsize(40, 100)
    child.expect("your prediction")
    child.send(f"{q.answer + 1}\r")
    child.expect("right")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert stored(db_url) == (q.answer, True)
