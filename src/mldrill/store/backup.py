"""Full JSON backup and restore of the user's history: every table, every column, an exact round trip.

backup -> restore into an empty database -> backup again gives byte-identical JSON (tests/store/test_backup.py).
Rows are written sorted by primary key, times as ISO 8601 UTC with microseconds, floats as Python's shortest
round-tripping repr. Files are written atomically (temporary file, fsync, rename), so a crash never leaves half a
backup behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, text

from mldrill.store.db import Database, head_revision
from mldrill.store.models import Base

FORMAT, VERSION = "mldrill-backup", 1
TABLES = (
    "item_state", "review", "user_card", "setting", "kata_attempt", "kata_progress", "card_report", "lab_prediction",
    "card_mark", "mock_session", "mock_answer",
)  # fmt: skip


class BackupError(Exception):
    pass


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def dump(db: Database) -> dict[str, Any]:
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "schema_revision": head_revision(), "tables": {}}
    with db.session() as s:
        for name in TABLES:
            t = _table(name)
            rows = s.execute(select(t).order_by(*t.primary_key.columns)).mappings().all()
            out["tables"][name] = [{k: _encode(v) for k, v in r.items()} for r in rows]
    return out


def _encode(v: Any) -> Any:
    return v.isoformat() if isinstance(v, datetime) else v


def dumps(db: Database) -> str:
    return json.dumps(dump(db), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, content: str) -> None:
    write_bytes_atomic(path, content.encode("utf-8"))


def write_bytes_atomic(path: Path, content: bytes) -> None:
    """Temporary file next to `path`, fsync, rename: a crash leaves the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def backup(db: Database, path: Path) -> dict[str, int]:
    data = dumps(db)
    write_atomic(path, data)
    return {k: len(v) for k, v in json.loads(data)["tables"].items()}


def is_empty(db: Database) -> bool:
    with db.session() as s:
        return all((s.scalar(select(func.count()).select_from(_table(n))) or 0) == 0 for n in TABLES)


WANTED = "an mldrill backup is a JSON file written by `mldrill backup` (or Import & backup → Download a backup)"


def describe(raw: bytes) -> str:
    """What a file that is not a backup looks like, in words, from its first bytes."""
    if not raw.strip():
        return "an empty file"
    magic = {
        b"PK\x03\x04": "a ZIP archive (an Anki .apkg package? import cards with `mldrill import FILE.md|FILE.csv`)",
        b"SQLite format 3\x00": "an SQLite database (mldrill's own database file? restore takes a JSON backup)",
        b"\x1f\x8b": "a gzip-compressed file (decompress it first)",
        b"%PDF": "a PDF document",
    }
    for head, words in magic.items():
        if raw.startswith(head):
            return words
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "binary data, not text"
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        shown = "".join(ch if ch.isprintable() else "?" for ch in first[:60])
        kind = "CSV-like text" if first.count(",") >= 1 and "{" not in first else "text"
        return f"{kind} that is not JSON, starting with {shown!r}"
    if isinstance(data, dict):
        keys = ", ".join(repr(k)[:30] for k in list(data)[:5]) + (", ..." if len(data) > 5 else "")
        fmt = data.get("format")
        if fmt is not None and fmt != FORMAT:
            return f'a JSON object with "format": {str(fmt)[:40]!r} (keys {keys})'
        return f"a JSON object with keys {keys}" if data else "an empty JSON object"
    if isinstance(data, list):
        return f"a JSON list of {len(data)} item(s)"
    return f"a single JSON {type(data).__name__} value"


def load_backup(path: Path) -> dict[str, Any]:
    """The backup at `path`, every value checked (store/backup_check.py); BackupError names the file, the table,
    the row and the field of the first problem, or says what the file looks like when it is no backup at all."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise BackupError(f"{path}: cannot read ({e.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as e:
        if raw.lstrip()[:1] in (b"{", b"["):  # meant to be JSON: where it breaks helps
            raise BackupError(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from None
        raise BackupError(f"{path}: not an mldrill backup: it looks like {describe(raw)}; {WANTED}") from None
    except UnicodeDecodeError:
        raise BackupError(f"{path}: not an mldrill backup: it looks like {describe(raw)}; {WANTED}") from None
    except (ValueError, RecursionError) as e:  # a number of 5,000 digits; arrays nested 100,000 deep
        raise BackupError(f"{path}: not a usable JSON file ({type(e).__name__}: {str(e)[:100]})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path}: not an mldrill backup: it looks like {describe(raw)}; {WANTED}")
    try:
        check(data)
    except BackupError as e:
        raise BackupError(f"{path}: {e}") from None
    return data


def check(data: Any) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, checked value by value and ready to insert (times parsed); BackupError otherwise."""
    from mldrill.store.backup_check import RowProblem, checked_rows

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f'not an mldrill backup (expected "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise BackupError(f"backup version {data.get('version')!r:.40} is not supported (expected {VERSION})")
    tables = data.get("tables")
    if not isinstance(tables, dict) or set(tables) - set(TABLES):
        unknown = sorted(set(tables) - set(TABLES))[:5] if isinstance(tables, dict) else []
        raise BackupError(f"'tables' must hold only {', '.join(TABLES)}" + (f"; found {unknown}" if unknown else ""))
    try:
        return {name: checked_rows(name, tables[name]) for name in TABLES if name in tables}
    except RowProblem as e:
        raise BackupError(str(e)) from None


def restore(db: Database, data: dict[str, Any]) -> dict[str, int]:
    """Replace the whole history with the backup's, in one transaction (all or nothing). Every value is checked
    before anything is deleted (BackupError: nothing changed)."""
    clean = check(data)
    counts = {}
    with db.session() as s:
        for name in reversed(TABLES):
            s.execute(delete(_table(name)))
        for name in TABLES:
            t = _table(name)
            rows = clean.get(name, [])
            if rows:
                s.execute(insert(t), rows)
            counts[name] = len(rows)
        if db.engine.dialect.name == "postgresql":  # explicit ids were inserted: move the sequences past them
            for name in ("review", "kata_attempt", "card_report", "mock_session", "mock_answer"):
                s.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                    )
                )
    db.memo.clear()  # values derived from the replaced history (their owners also check the tables themselves)
    return counts


def backups_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("mldrill", appauthor=False) / "backups"


def safety_copy(db: Database) -> Path | None:
    """Before a restore replaces a non-empty history: save it under <user data>/backups/ (None when empty)."""
    if is_empty(db):
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = backups_dir() / f"before-restore-{stamp}.json"
    backup(db, path)
    return path
