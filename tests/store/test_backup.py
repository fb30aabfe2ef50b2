"""backup -> restore into an empty database -> backup again is byte-identical, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mldrill.store import (
    CardMark,
    CardReport,
    Database,
    ItemState,
    KataAttempt,
    KataProgress,
    LabPrediction,
    MockAnswer,
    MockSession,
    Review,
    Setting,
    UserCard,
    open_db,
)
from mldrill.store.backup import BackupError, backup, dumps, is_empty, load_backup, restore


def _fill(db: Database) -> None:
    t0 = datetime(2026, 11, 1, 8, 0, 0, 123456, tzinfo=UTC)
    with db.session() as s:
        for i in range(5):
            s.add(
                ItemState(
                    item_id=f"t/c{i}", kind="card", state=2, step=None, stability=1 / 3 + i, difficulty=5.1234567890123,
                    due=t0 + timedelta(days=i), last_review=t0, first_review=t0, reps=i, lapses=0, status="shaky",
                )
            )  # fmt: skip
            s.add(
                Review(
                    item_id=f"t/c{i}", kind="card", rating=1 + i % 4, reviewed_at=t0 + timedelta(seconds=i),
                    duration_ms=1000 + i, session_id="s1", prev_state={"state": 1, "stability": 0.1 * i} if i else None,
                )
            )  # fmt: skip
        s.add(UserCard(id="user/d/q", deck="d", level="L2", question="Q ünïcode <b>", answer="A $x$", trap="",
                       tags=["a", "b"], source="f.md:3", created_at=t0))  # fmt: skip
        s.add(Setting(key="new_per_day", value=7))
        for i, status in enumerate(("failed", "passed")):
            s.add(
                KataAttempt(kata_id="k", submitted_at=t0 + timedelta(minutes=i), status=status, passed_checks=i,
                            total_checks=1, duration_s=0.25 + i, verdict={"status": status}, source="x = 1")
            )  # fmt: skip
        s.add(KataProgress(kata_id="k", hints_shown=2, started_at=t0, solved_at=None))
        s.add(CardReport(item_id="t/c1", note="The answer's\nsecond line is wrong.", app_version="0.1.0",
                         content_hash="ab" * 32, created_at=t0))  # fmt: skip
        s.add(CardMark(item_id="t/c2", suspended=True, buried_until=t0 + timedelta(hours=3), flag=4,
                       note="my note ✓", leech=True, updated_at=t0))  # fmt: skip
        s.add(LabPrediction(lab_id="attention_scaling", choice=2, correct=True, answered_at=t0))
        plan = {"minutes": 15, "card_slots": 6, "card_seconds": 600, "kata_seconds": 300, "main": ["t/c1"],
                "followups": {"t/c1": ["t/c2"]}, "kata": "k", "kata_note": "", "area_weights": {"a": 1.5}}  # fmt: skip
        s.add(MockSession(started_at=t0, finished_at=None, minutes=15, scope={"track": None, "levels": ["L1"]},
                          plan=plan, kata_id="k", kata_started_at=t0, kata_finished_at=None, kata_status="failed",
                          kata_checks=2, kata_source="def f(): ..."))  # fmt: skip
        s.add(MockAnswer(mock_id=1, position=0, item_id="t/c1", followup_of=None, shown_at=t0, answered_at=t0,
                         reviewed_at=t0, answer="my ånswer", key_points=["p1", "p2"], suggested=[True, False],
                         suggested_trap=False, ticks=[True, True], trap_fell=False, rating=3, review_id=2))  # fmt: skip


def test_round_trip_is_exact(db: Database, tmp_path: Path, sqlite_url: str) -> None:
    _fill(db)
    first = tmp_path / "first.json"
    counts = backup(db, first)
    assert counts == {
        "item_state": 5, "review": 5, "user_card": 1, "setting": 1, "kata_attempt": 2, "kata_progress": 1,
        "card_report": 1, "lab_prediction": 1, "card_mark": 1, "mock_session": 1, "mock_answer": 1,
    }  # fmt: skip
    fresh = open_db(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert is_empty(fresh)
    restore(fresh, load_backup(first))
    assert dumps(fresh) == first.read_text(encoding="utf-8")
    # ... and back into a database of the first kind, replacing what is there.
    restore(db, load_backup(first))
    assert dumps(db) == first.read_text(encoding="utf-8")


def test_ids_continue_after_restore(db: Database, tmp_path: Path) -> None:
    _fill(db)
    data = json.loads(dumps(db))
    restore(db, data)
    with db.session() as s:
        r = Review(item_id="t/new", kind="card", rating=3, reviewed_at=datetime.now(UTC))
        s.add(r)
        s.flush()
        assert r.id == 6  # the PostgreSQL sequence was moved past the restored ids


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", ":1: not valid JSON"),
        ('{"format": "other"}', "not an mldrill backup"),
        ('{"format": "mldrill-backup", "version": 99, "tables": {}}', "version 99"),
        ('{"format": "mldrill-backup", "version": 1, "tables": {"evil": []}}', "'tables' must hold only"),
        ('{"format": "mldrill-backup", "version": 1, "tables": {"setting": [{"key": "a", "x": 1}]}}', "unexpected"),
    ],
)
def test_bad_backups_are_refused_with_a_reason(tmp_path: Path, content: str, needle: str) -> None:
    p = tmp_path / "b.json"
    p.write_text(content)
    with pytest.raises(BackupError, match=needle.replace("(", r"\(")):
        load_backup(p)


def test_a_failed_restore_changes_nothing(db: Database) -> None:
    _fill(db)
    before = dumps(db)
    data = json.loads(before)
    data["tables"]["review"].append(dict(data["tables"]["review"][0]))  # duplicate primary key
    with pytest.raises(BackupError, match=r"table review, row 5 \(1\): the same id appears twice"):
        restore(db, data)
    assert dumps(db) == before


def _set(table: str, row: int, **values: object) -> Callable[[dict[str, Any]], None]:
    def change(tables: dict[str, Any]) -> None:
        tables[table][row].update(values)

    return change


def _setting(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(tables: dict[str, Any]) -> None:
        tables["setting"].append({"key": key, "value": value})

    return change


def _drop(table: str, row: int, field: str) -> Callable[[dict[str, Any]], None]:
    def change(tables: dict[str, Any]) -> None:
        del tables[table][row][field]

    return change


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


BAD_VALUES: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (
        _setting("timezone", "Mars/Olympus_Mons"),
        "table setting, row 1 (timezone), field value: timezone must be an IANA",
    ),
    (_setting("timezone", "../../etc/passwd"), "field value: timezone must be an IANA time zone"),
    (_setting("timezone", 5), "field value: timezone must be an IANA time zone"),
    (_set("setting", 0, value="abc"), "table setting, row 0 (new_per_day), field value: new_per_day must be a whole"),
    (_set("setting", 0, value=-5), "new_per_day must be a whole number from 0 to 1000, got -5"),
    (_set("setting", 0, value=10**9), "new_per_day must be a whole number from 0 to 1000, got 1000000000"),
    (_set("setting", 0, value=True), "new_per_day must be a whole number"),
    (_set("setting", 0, value=7.5), "new_per_day must be a whole number"),
    (_setting("desired_retention", 1.5), "desired_retention must be a number from 0.7 to 0.99"),
    (_setting("desired_retention", 0), "desired_retention must be a number from 0.7 to 0.99"),
    (_setting("fuzz", "yes"), "fuzz must be true or false"),
    (_setting("learn_ahead_minutes", 10**6), "learn_ahead_minutes must be a whole number"),
    (_setting("no_such_setting", 1), "table setting, row 1 (no_such_setting), field key: must be one of"),
    (_setting("learning_steps", [1, 0]), "learning_steps must be a whole number from 1 to 1440, got 0"),
    (_setting("learning_steps", "1 10"), "learning_steps must be a list of at most 10 steps"),
    (_setting("track", "astronaut"), "track must be one of llm-engineer"),
    (_setting("interview_date", "2026-02-30"), "interview_date must be a date as YYYY-MM-DD"),
    (_setting("plan_start", 20261201), "plan_start must be a date as YYYY-MM-DD"),
    (_setting("theme", "neon"), "theme must be one of auto, light, dark, got 'neon'"),
    (_setting("fsrs_weights", [0.2] * 3), "fsrs_weights must be a list of 21 FSRS weights"),
    (_setting("fsrs_weights", [float("nan")] * 21), "fsrs_weights weight 0 must be a number from"),
    (
        _set("item_state", 2, stability=float("inf")),
        "table item_state, row 2 (t/c2), field stability: must be a finite",
    ),
    (_set("item_state", 2, stability=float("nan")), "field stability: must be a finite number, got nan"),
    (_set("item_state", 2, stability=-1), "field stability: must be > 0 and <= 1e+07, got -1"),
    (_set("item_state", 2, stability=0), "field stability: must be > 0"),
    (_set("item_state", 2, stability="1.5"), "field stability: must be a finite number, got '1.5'"),
    (_set("item_state", 2, stability=None), "field stability: is required once an item has been reviewed"),
    (_set("item_state", 2, difficulty=11), "field difficulty: must be >= 1 and <= 10, got 11"),
    (_set("item_state", 2, state=7), "field state: must be one of 1, 2, 3, got 7"),
    (_set("item_state", 2, state=1, step=None), "field step: is required in the learning and relearning states"),
    (_set("item_state", 2, status="great"), "field status: must be one of fluent, shaky, unknown"),
    (_set("item_state", 2, kind="kata"), "field kind: 'kata' does not match the item id 't/c2'"),
    (_set("item_state", 2, reps=-1), "field reps: must be >= 0"),
    (_set("item_state", 2, reps=2**40), "field reps: must be a whole number"),
    (_set("item_state", 2, due="yesterday"), "field due: is not an ISO 8601 time, got 'yesterday'"),
    (_set("item_state", 2, due="2026-11-01T08:00:00"), "field due: must carry its UTC offset"),
    (_set("item_state", 2, due=None), "field due: is required"),
    (_drop("item_state", 2, "first_review"), "field first_review: is required"),
    (_set("item_state", 2, item_id=""), "field item_id: must not be empty"),
    (_set("item_state", 2, item_id="x" * 201), "field item_id: must be at most 200 characters, got 201"),
    (_set("review", 1, rating=7), "table review, row 1 (2), field rating: must be one of 1, 2, 3, 4, got 7"),
    (_set("review", 1, rating="3"), "field rating: must be a whole number, got '3'"),
    (_set("review", 1, id=0), "field id: must be >= 1"),
    (_set("review", 1, duration_ms=-3), "field duration_ms: must be >= 0"),
    (_set("review", 1, reviewed_at="2026-13-45T00:00:00+00:00"), "field reviewed_at: is not an ISO 8601 time"),
    (_set("review", 1, prev_state=[1, 2]), "field prev_state: must be a JSON object, got list"),
    (_set("review", 1, prev_state={"stability": float("inf")}), "field prev_state: key stability must be a finite"),
    (_set("review", 1, prev_state={"evil": 1}), "field prev_state: has unknown keys ['evil']"),
    (_set("review", 1, session_id="s" * 65), "field session_id: must be at most 64 characters"),
    (_set("user_card", 0, level="L9"), "table user_card, row 0 (user/d/q), field level: must be one of L1, L2, L3"),
    (_set("user_card", 0, tags="a,b"), "field tags: must be a list of texts"),
    (_set("user_card", 0, question=""), "field question: must not be empty"),
    (_set("user_card", 0, id="t/c1"), "field id: must start with 'user/d/' (its deck)"),
    (_set("kata_attempt", 0, status="hacked"), "table kata_attempt, row 0 (1), field status: must be one of passed"),
    (_set("kata_attempt", 0, passed_checks=5), "field passed_checks: more than total_checks"),
    (_set("kata_attempt", 0, duration_s=float("inf")), "field duration_s: must be a finite number"),
    (_set("kata_attempt", 0, verdict="passed"), "field verdict: must be a JSON object, got str"),
    (_set("kata_attempt", 0, verdict={"checks": _nested(40)}), "field verdict: is nested deeper than 32 levels"),
    (_set("kata_progress", 0, hints_shown=-1), "table kata_progress, row 0 (k), field hints_shown: must be >= 0"),
    (_set("card_report", 0, content_hash="x"), "table card_report, row 0 (1), field content_hash: must be a sha256"),
    (_set("card_report", 0, note=" "), "table card_report, row 0 (1), field note: must not be empty"),
    (_set("card_report", 0, note="n" * 5001), "field note: must be at most 5000 characters, got 5001"),
    (_set("card_mark", 0, flag=9), "table card_mark, row 0 (t/c2), field flag: must be one of 0, 1, 2, 3, 4, 5, 6, 7"),
    (_set("card_mark", 0, suspended=1), "field suspended: must be true or false, got 1"),
    (_set("card_mark", 0, note="n" * 5001), "table card_mark, row 0 (t/c2), field note: must be at most 5000"),
    (_set("card_mark", 0, buried_until="tomorrow"), "field buried_until: is not an ISO 8601 time"),
    (_set("mock_session", 0, minutes=20), "table mock_session, row 0 (1), field minutes: must be one of 15, 30, 45"),
    (_set("mock_session", 0, plan={"minutes": 15}), "field plan: key card_slots must be a whole number"),
    (_set("mock_answer", 0, ticks=[True]), "table mock_answer, row 0 (1), field ticks: one per key point expected"),
    (_set("mock_answer", 0, ticks=["yes", 1]), "field ticks: must be a list of true/false"),
    (_set("mock_answer", 0, rating=5), "field rating: must be one of 1, 2, 3, 4"),
    (_set("mock_answer", 0, suggested=[True]), "table mock_answer, row 0 (1), field suggested: one per key point"),
    (_set("mock_session", 0, kata_source="x" * 100_001), "field kata_source: must be at most 100000 characters"),
    (_setting("leech_action", "ask"), "field value: leech_action must be one of suspend, tag"),
    (_setting("leech_threshold", 0), "field value: leech_threshold must be a whole number from 1"),
]


@pytest.mark.parametrize(("change", "needle"), BAD_VALUES)
def test_each_bad_value_is_refused_by_name_and_nothing_changes(
    tmp_path: Path, sqlite_url: str, change: Callable[[dict[str, Any]], None], needle: str
) -> None:
    """Bad values used to restore fine and then make Today, Stats and the drill fail with 500 on every visit."""
    db = open_db(sqlite_url)
    _fill(db)
    before = dumps(db)
    data = json.loads(before)
    change(data["tables"])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(BackupError) as err:
        load_backup(path)
    assert str(err.value).startswith(f"{path}: ") and needle in str(err.value), str(err.value)
    with pytest.raises(BackupError, match=re.escape(needle)):
        restore(db, data)  # restore checks by itself too
    assert dumps(db) == before
    db.close()


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"format": "mldrill-backup", "version": 1, "tables": {"item_state": [], "review": [', "not valid JSON"),
        ('{"format": "mldrill-backup", "version": 1, "tables": {"users": []}}', "found ['users']"),
        ('{"format": "mldrill-backup", "version": 1, "tables": {"review": {}}}', "table review: must be a list"),
        (
            '{"format": "mldrill-backup", "version": 1, "tables": {"review": [7]}}',
            "table review, row 0: must be an obj",
        ),
        ('{"format": "mldrill-backup", "version": 1, "tables": []}', "'tables' must hold only"),
        ("[" * 100_000 + "]" * 100_000, "not a usable JSON file (RecursionError"),
        ('{"format": "mldrill-backup", "version": 1, "x": ' + "9" * 5000 + "}", "not a usable JSON file (ValueError"),
        ("[]", "not an mldrill backup"),
    ],
)
def test_malformed_files_are_refused_with_a_reason(tmp_path: Path, content: str, needle: str) -> None:
    p = tmp_path / "b.json"
    p.write_text(content)
    with pytest.raises(BackupError, match=re.escape(needle)):
        load_backup(p)


def test_orphan_ids_are_kept_on_purpose(tmp_path: Path, sqlite_url: str) -> None:
    """Reviews of cards and katas no longer in the content are history: restored, not dropped (backup_check.py)."""
    db = open_db(sqlite_url)
    _fill(db)  # its item ids (t/c0 ...) and kata id (k) name no content
    data = json.loads(dumps(db))
    restore(db, data)
    assert dumps(db) == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    db.close()
