"""The environment of an `mldrill` process run in a pseudo-terminal by a test: its own content, database and data."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from mldrill.store import open_db
from mldrill.study.scheduler import save_setting

SRC = Path(__file__).resolve().parents[1] / "src"


def cli_env(tmp_path: Path, write_catalog: Callable[[Path], object]) -> dict[str, str]:
    """A test catalog written by `write_catalog`, a SQLite database with fuzz off (deterministic intervals), and a
    100-column xterm; DB_PATH tells the test where the database is."""
    write_catalog(tmp_path / "content")
    db_path = tmp_path / "db.sqlite"
    db = open_db(f"sqlite:///{db_path}")
    save_setting(db, "fuzz", False)
    db.close()
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "MLDRILL_CONTENT_DIR": str(tmp_path / "content"),
        "MLDRILL_DATABASE_URL": f"sqlite:///{db_path}",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "COLUMNS": "100",
        "DB_PATH": str(db_path),
    }
