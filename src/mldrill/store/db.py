"""Open the user's database: SQLite in the user data directory by default, or MLDRILL_DATABASE_URL.

Opening brings the schema to the newest Alembic revision. SQLite runs in WAL mode with synchronous=FULL, so a
review that was committed survives a killed process (and a power cut); PostgreSQL is used as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

ENV_URL = "MLDRILL_DATABASE_URL"
HEAD = "mock"  # the newest migration; tests/store/test_db.py checks it against Alembic's scripts
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url() -> str:
    url = os.environ.get(ENV_URL)
    if url:
        return normalize_url(url)
    from platformdirs import user_data_path

    path = user_data_path("mldrill", appauthor=False, ensure_exists=True) / "mldrill.db"
    return f"sqlite:///{path}"


def normalize_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (the driver we depend on), not SQLAlchemy's default psycopg2."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    # Values derived from the tables and kept between requests by their owners, each of which checks itself against
    # the tables before use (study/stats.py review_days); never the source of truth.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends normally, rolled back on an exception."""
        with self.sessions.begin() as s:
            yield s

    def close(self) -> None:
        self.engine.dispose()


def open_db(url: str | None = None, *, migrate: bool = True, **engine_kw: Any) -> Database:
    url = normalize_url(url) if url else default_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **engine_kw)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "no Alembic revisions shipped"
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _stored_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, read with one query (importing Alembic costs ~0.15 s at start-up)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None  # a new database: no alembic_version table yet


def upgrade(engine: Engine) -> None:
    """Bring the schema to head; a no-op (one query, no Alembic import) when it is already there."""
    if _stored_revision(engine) == HEAD:
        return
    from alembic import command

    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
