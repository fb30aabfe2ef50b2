"""The schema comes from Alembic migrations that match the models, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from mldrill.store import Database, ItemState, open_db
from mldrill.store.db import current_revision, head_revision, normalize_url, table_names
from mldrill.store.models import Base


def test_migrations_build_exactly_the_models(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    assert table_names(db.engine) == [
        "alembic_version", "card_mark", "card_report", "item_state", "kata_attempt", "kata_progress",
        "lab_prediction", "mock_answer", "mock_session", "review", "setting", "user_card",
    ]  # fmt: skip
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_times_round_trip_as_aware_utc(db: Database) -> None:
    t = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    with db.session() as s:
        s.add(ItemState(item_id="x", kind="card", state=1, due=t, first_review=t, reps=0, lapses=0, status="unknown"))
    with db.session() as s:
        row = s.get(ItemState, "x")
        assert row is not None
        assert row.due == t and row.due.tzinfo == UTC and row.due.hour == 23


def test_naive_datetimes_are_refused(db: Database) -> None:
    naive = datetime(2026, 1, 1)
    with pytest.raises(Exception, match="naive datetime"), db.session() as s:
        s.add(ItemState(item_id="x", kind="card", state=1, due=naive, first_review=naive, reps=0, lapses=0, status="u"))


def test_sqlite_runs_in_wal_mode_with_full_sync(sqlite_url: str) -> None:
    db = open_db(sqlite_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_head_constant_matches_the_migration_scripts() -> None:
    from mldrill.store.db import HEAD

    assert head_revision() == HEAD


def test_reopening_is_a_no_op_migration(sqlite_url: str) -> None:
    open_db(sqlite_url).close()
    db = open_db(sqlite_url)
    assert current_revision(db.engine) == head_revision()


def test_default_url_is_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mldrill.store.db import default_url

    monkeypatch.delenv("MLDRILL_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path / 'mldrill' / 'mldrill.db'}"
    monkeypatch.setenv("MLDRILL_DATABASE_URL", "postgresql://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"


def test_postgres_urls_use_psycopg3() -> None:
    assert normalize_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"
