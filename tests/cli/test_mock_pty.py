"""`mldrill mock` in a real pseudo-terminal (pexpect): typed answers, ticks, a follow-up after a good answer, the kata
checked in the sandbox (a failing then a passing file), the report; then `mock list --json` and `mock report --md`."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from mldrill.catalog.katas import get_katas
from mockcontent import mock_catalog
from ptyenv import cli_env

ANSWER = "a blank line ends it:"
TICKS = "Key points you hit"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(tmp_path, mock_catalog)


def card(child: pexpect.spawn, answer: str, ticks: str, trap: str, rating: str = "") -> str:
    """Answer the card on screen; returns its id (from the question text of the test catalog)."""
    child.expect(r"Question of (\S+)\?")
    item = child.match.group(1)
    child.expect(ANSWER)
    child.sendline(answer)
    child.sendline("")
    child.expect(TICKS)
    child.sendline(ticks)
    child.expect(r"fall into the trap")
    child.sendline(trap)
    child.expect("Enter to accept")
    child.sendline(rating)
    child.expect("into your review queue")
    return str(item)


def test_a_15_minute_mock_in_the_terminal(env: dict[str, str], tmp_path: Path) -> None:
    argv = ["-m", "mldrill", "mock", "--minutes", "15", "--area", "numerics-losses", "--seed", "1"]
    child = pexpect.spawn(sys.executable, argv, env=env, encoding="utf-8", timeout=60)
    child.setwinsize(40, 100)
    child.expect(r"up to 6 cards")
    asked = [card(child, "softmax minus one-hot, over N", "a", "n")]  # all points: Good
    asked.append(card(child, "not sure", "1", "y"))  # 1 of 2 and the trap: Again
    asked.append(card(child, "three things", "1 2 3", "n"))  # Good: the follow-ups come next
    child.expect("follow-up: the interviewer pushes further on losses/l3")
    asked.append(card(child, "deeper", "n", "n"))  # none: Again, no further push
    asked.append(card(child, "deeper still", "a", "n"))
    asked.append(card(child, "last one", "1 2", "n", rating="2"))  # the learner overrides Good with Hard
    assert asked == ["losses/l1", "losses/l2", "losses/l3", "losses/l3f1", "losses/l3f2", "losses/l6"]

    child.expect(r"kata (\S+) ·")
    kata = get_katas()[child.match.group(1)]
    child.expect(r"file: (\S+\.py)")
    path = Path(child.match.group(1))
    assert path.read_text(encoding="utf-8") == kata.starter()
    child.expect("Enter to check it")
    child.sendline("")  # the starter as it came: fails
    child.expect("FAILED")
    child.expect("Enter to check it")
    path.write_text(kata.mutants()[0], encoding="utf-8")  # a correct solution
    child.sendline("")
    child.expect("PASSED")
    child.expect(r"Score: (\d+)%")
    # scores: 1, 1/2, 1, 0, 1, 2/3 -> mean 0.694
    assert int(child.match.group(1)) == round(100 * (1 + 0.5 + 1 + 0 + 1 + 2 / 3) / 6)
    child.expect("Study next")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    con = sqlite3.connect(env["DB_PATH"])
    try:
        rows = con.execute("SELECT item_id, rating, session_id FROM review WHERE kind = 'card' ORDER BY id").fetchall()
        attempts = con.execute("SELECT status FROM kata_attempt ORDER BY id").fetchall()
        mock = con.execute("SELECT kata_status, kata_checks, finished_at IS NOT NULL FROM mock_session").fetchall()
    finally:
        con.close()
    assert [(i, r) for i, r, _ in rows] == list(zip(asked, [3, 1, 3, 1, 3, 2], strict=True))
    assert {s for _, _, s in rows} == {"mock-1"}
    assert attempts == [("failed",), ("passed",)] and mock == [("passed", 2, 1)]

    out = subprocess.run(
        [sys.executable, "-m", "mldrill", "mock", "list", "--json"], env=env, capture_output=True, text=True, check=True
    )
    listed = json.loads(out.stdout)
    assert [(m["id"], m["finished"], m["kata"]["status"]) for m in listed] == [(1, True, "passed")]
    md = tmp_path / "mock.md"
    subprocess.run([sys.executable, "-m", "mldrill", "mock", "report", "1", "--md", str(md)], env=env, check=True)
    text = md.read_text(encoding="utf-8")
    assert "| Numerics & loss functions | 6 | 69% | 10/14 | 1 |" in text
    assert re.search(r"follow-up of losses/l3\): 0/2 key points, Again", text)
    assert f"(`{kata.id}`): **passed** after 2 check(s)" in text


FAKE_CHECK = """
import sys, types
from dataclasses import dataclass

@dataclass(frozen=True)
class Suggestion:
    hits: tuple
    scores: tuple
    states_trap: bool
    trap_score: float

fake = types.ModuleType("mldrill.study.answer_check")
fake.Suggestion = Suggestion
fake.available = lambda: True
fake.suggest = lambda answer, points, trap: Suggestion(
    tuple(i == 0 for i in range(len(points))), tuple(0.9 if i == 0 else 0.1 for i in range(len(points))), False, 0.1
)
sys.modules["mldrill.study.answer_check"] = fake
"""


def test_suggested_ticks_then_ctrl_c_and_resume(env: dict[str, str], tmp_path: Path) -> None:
    """The offline answer check (faked here: its model is tested on its own) pre-ticks the first point; Enter keeps
    it. Ctrl-C leaves the mock where it is and `--resume` carries on with the next card."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(FAKE_CHECK, encoding="utf-8")
    env = {**env, "PYTHONPATH": os.pathsep.join([str(site), env["PYTHONPATH"]])}
    argv = ["-m", "mldrill", "mock", "--minutes", "15", "--area", "numerics-losses", "--seed", "1"]
    child = pexpect.spawn(sys.executable, argv, env=env, encoding="utf-8", timeout=60)
    child.expect(ANSWER)
    child.sendline("the first point, surely")
    child.sendline("")
    child.expect(r"the first point.{0,16}\(suggested\)")  # (colour codes between them)
    child.expect(r"\[Enter: 1, the suggested\]")
    child.sendline("")  # keep the suggestion
    child.expect("fall into the trap")
    child.sendline("")  # the check did not hear the trap: no
    child.expect(r"Rating: Hard \(1 of 2 key points\)")
    child.sendline("")
    child.expect("Question of losses/l2")
    child.expect(ANSWER)
    child.sendintr()
    child.expect("Carry on: mldrill mock --resume 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1

    child = pexpect.spawn(sys.executable, ["-m", "mldrill", "mock", "--resume", "1"], env=env, encoding="utf-8")
    child.expect("Question of losses/l2")  # the same card, still waiting for its answer
    child.expect(ANSWER)
    child.sendintr()
    child.expect(pexpect.EOF)
    con = sqlite3.connect(env["DB_PATH"])
    try:
        rows = con.execute(
            "SELECT item_id, suggested, ticks, trap_fell, rating FROM mock_answer ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("losses/l1", "[true, false]", "[true, false]", 0, 2), ("losses/l2", None, None, None, None)]
