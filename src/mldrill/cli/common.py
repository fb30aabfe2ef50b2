"""What every command needs: the catalog, the database, JSON output, and errors that end the command cleanly."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from rich.console import Console

if TYPE_CHECKING:
    from mldrill.catalog import Catalog
    from mldrill.store import Database
    from mldrill.study.items import Item

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise SystemExit(code)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def catalog() -> Catalog:
    from mldrill.catalog import get_catalog

    return get_catalog()


def database() -> Database:
    from sqlalchemy.exc import SQLAlchemyError

    from mldrill.store import open_db
    from mldrill.store.db import default_url

    try:
        return open_db()
    except SQLAlchemyError as e:
        fail(f"cannot open the database {default_url()}: {e.__class__.__name__}: {str(e).splitlines()[0]}")


def items(db: Database) -> dict[str, Item]:
    from mldrill.study.items import all_items

    return all_items(catalog(), db)


def table(title: str, columns: list[tuple[str, str]], rows: list[list[str]]) -> Any:
    """A rich table whose id columns are never cut: a column is ("id", name) — kept whole, on one line —, ("text",
    name) — wraps at words and gives way when the terminal is narrow — or ("num", name) — right-aligned. A kind
    ending in "?" marks a column that is left out (rightmost first) when the terminal is too narrow to give each
    text column 16 characters beside the whole ids."""
    from rich.table import Table

    def width(i: int) -> int:
        return max([len(columns[i][1]), *(len(_plain(r[i])) for r in rows)])

    keep = list(range(len(columns)))

    def needed() -> int:
        text = sum(16 for i in keep if columns[i][0].rstrip("?") == "text")
        return text + sum(width(i) for i in keep if columns[i][0].rstrip("?") != "text") + 3 * len(keep) + 1

    for i in reversed(range(len(columns))):
        if needed() <= console.width:
            break
        if columns[i][0].endswith("?"):
            keep.remove(i)
    t = Table(title=title, title_justify="left")
    for i in keep:
        kind, name = columns[i][0].rstrip("?"), columns[i][1]
        t.add_column(
            name,
            justify="right" if kind == "num" else "left",
            no_wrap=kind != "text",
            min_width=width(i) if kind != "text" else 16,
            ratio=1 if kind == "text" else None,
        )
    for r in rows:
        t.add_row(*(r[i] for i in keep))
    return t


def _plain(cell: str) -> str:
    from rich.text import Text

    return Text.from_markup(cell).plain


def short_date(iso: str | None) -> str:
    """'2026-12-04T18:30:00+00:00' -> '2026-12-04' (the table's date; --json keeps the full time)."""
    return (iso or "")[:10]
