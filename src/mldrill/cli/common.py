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
