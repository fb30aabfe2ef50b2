"""`mldrill drill` in a real pseudo-terminal (pexpect) with real keystrokes, and a SIGKILL mid-session."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

import pexpect
import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from minicontent import mini_catalog
from mldrill.store import open_db
from ptyenv import cli_env

QUESTION_PROMPT = "space/enter reveal"
RATE_PROMPT = "1 Again"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(tmp_path, mini_catalog)


def spawn(env: dict[str, str], *args: str) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-m", "mldrill", "drill", *args], env=env, encoding="utf-8", timeout=30)
    child.setwinsize(40, 100)
    return child


def answer(child: pexpect.spawn, key: str, confirm: str) -> None:
    child.expect(QUESTION_PROMPT)
    child.send(" ")
    child.expect(RATE_PROMPT)
    child.send(key)
    child.expect(confirm)


def reviews(db_path: str) -> list[tuple[str, int, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT item_id, rating, reviewed_at FROM review ORDER BY id").fetchall()
    finally:
        con.close()


def test_drill_with_keystrokes_followups_undo_and_summary(env: dict[str, str]) -> None:
    child = spawn(env, "--limit", "2")
    answer(child, "3", "✓ Good")  # alpha/a1 -> its follow-ups come next
    child.expect("follow-up of alpha/a1")
    answer(child, "1", "✓ Again")  # alpha/a2
    child.expect("follow-up of alpha/a1")  # alpha/a3 is shown ...
    child.expect(QUESTION_PROMPT)
    child.send("u")  # ... undo the Again on alpha/a2
    child.expect("undid the rating of alpha/a2")
    answer(child, "4", "✓ Easy")  # alpha/a2 again, now Easy
    answer(child, "2", "✓ Hard")  # alpha/a3
    child.expect(QUESTION_PROMPT)
    child.send("q")
    child.expect("Session done.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    rows = reviews(env["DB_PATH"])
    assert [(i, r) for i, r, _ in rows] == [("alpha/a1", 3), ("alpha/a2", 4), ("alpha/a3", 2)]
    db = open_db(env["MLDRILL_DATABASE_URL"])
    from mldrill.store import ItemState

    sched = Scheduler(enable_fuzzing=False)
    with db.session() as s:
        for item_id, rating, _ in rows:
            st = s.get(ItemState, item_id)
            assert st is not None and st.last_review is not None
            expected, _ = sched.review_card(FsrsCard(), Rating(rating), st.last_review)
            assert st.due == expected.due, item_id  # the next due date is py-fsrs's
    db.close()


def test_sigkill_mid_session_loses_no_confirmed_review(env: dict[str, str]) -> None:
    child = spawn(env)
    for _ in range(3):
        answer(child, "3", "✓ Good")
    child.expect(QUESTION_PROMPT)
    child.send(" ")
    child.expect(RATE_PROMPT)
    child.send("4")  # a fourth rating in flight ...
    os.kill(child.pid, signal.SIGKILL)  # ... and the process dies without any clean-up
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL

    con = sqlite3.connect(env["DB_PATH"])
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    rows = reviews(env["DB_PATH"])
    assert [r for _, r, _ in rows[:3]] == [3, 3, 3] and len(rows) in (3, 4)  # every confirmed review is there
    db = open_db(env["MLDRILL_DATABASE_URL"])  # and the app opens it cleanly
    from mldrill.store import ItemState

    with db.session() as s:
        assert s.query(ItemState).count() == len(rows)
    db.close()
    assert all(datetime.fromisoformat(t) for _, _, t in rows)


def test_deck_keys_flag_bury_suspend_space_is_good_ctrl_z_undoes_and_the_note_shows(env: dict[str, str]) -> None:
    from mldrill.catalog import load_catalog
    from mldrill.study.clock import utcnow
    from mldrill.study.deck import act
    from mldrill.study.items import catalog_items

    db = open_db(env["MLDRILL_DATABASE_URL"])
    items = catalog_items(load_catalog(Path(env["MLDRILL_CONTENT_DIR"])))
    act(db, items["beta/b1"], "note", now=utcnow(), value="My mnemonic for b1")
    db.close()
    child = spawn(env, "--topic", "beta")  # b2 (L1) comes before b1 (L2)
    child.expect("Question of beta/b2")
    child.expect(QUESTION_PROMPT)
    child.send("?")
    child.expect("bury until tomorrow")
    child.send("*")
    child.expect("⚑ flagged")
    child.expect("Question of beta/b2")  # flagging keeps the card
    child.expect(QUESTION_PROMPT)
    child.send("-")
    child.expect("beta/b2: buried until tomorrow")
    child.expect("Question of beta/b1")
    child.expect(QUESTION_PROMPT)
    child.send(" ")
    child.expect("My mnemonic for b1")  # the note, under the answer
    child.expect(RATE_PROMPT)
    child.send("\r")  # enter once the answer shows = Good
    child.expect("✓ Good")
    child.expect(QUESTION_PROMPT)  # b1 again, inside the learn-ahead window
    child.send("\x1a")  # Ctrl+Z undoes (and does not stop the process)
    child.expect("undid the rating of beta/b1")
    child.expect(QUESTION_PROMPT)
    child.send("@")
    child.expect("beta/b1: suspended")
    child.expect("Session done.")
    child.expect(pexpect.EOF)
    con = sqlite3.connect(env["DB_PATH"])
    try:
        marks = con.execute("SELECT item_id, suspended, buried_until IS NOT NULL, flag FROM card_mark ORDER BY 1")
        assert marks.fetchall() == [("beta/b1", 1, 0, 0), ("beta/b2", 0, 1, 1)]
        assert con.execute("SELECT COUNT(*) FROM review").fetchone() == (0,)
    finally:
        con.close()
