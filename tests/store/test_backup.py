"""backup -> restore into an empty database -> backup again is byte-identical, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mldrill.store import (
    Database,
    ItemState,
    KataAttempt,
    KataProgress,
    LabPrediction,
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
        s.add(LabPrediction(lab_id="attention_scaling", choice=2, correct=True, answered_at=t0))


def test_round_trip_is_exact(db: Database, tmp_path: Path, sqlite_url: str) -> None:
    _fill(db)
    first = tmp_path / "first.json"
    counts = backup(db, first)
    assert counts == {"item_state": 5, "review": 5, "user_card": 1, "setting": 1, "kata_attempt": 2, "kata_progress": 1,
                      "lab_prediction": 1}  # fmt: skip
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
    with pytest.raises(Exception):  # noqa: B017 - the driver's IntegrityError differs per database
        restore(db, data)
    assert dumps(db) == before
