"""The practice log: one row per item that has been practised, exportable to Markdown and CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass

from sqlalchemy import select

from mldrill.store import Database, ItemState
from mldrill.study.items import Item

COLUMNS = ("item", "question", "topic", "level", "status", "attempts", "lapses", "last_review", "next_review")


@dataclass(frozen=True)
class LogRow:
    item: str
    question: str  # as written in the card (a kata: its title); "" for an item no longer in the catalog
    topic: str
    level: str
    status: str
    attempts: int
    lapses: int
    last_review: str  # ISO 8601, UTC
    next_review: str


def practice_log(db: Database, items: dict[str, Item], *, status: set[str] | None = None) -> list[LogRow]:
    """Shaky and unknown first (they need the work), then by next review."""
    st = ItemState
    with db.session() as s:  # the columns, not ORM objects: a few times faster
        rows = s.execute(select(st.item_id, st.status, st.due, st.reps, st.lapses, st.last_review)).all()
    order = {"unknown": 0, "shaky": 1, "fluent": 2}
    out = []
    for r in sorted(rows, key=lambda r: (order.get(r.status, 3), r.due, r.item_id)):
        if status and r.status not in status:
            continue
        it = items.get(r.item_id)
        out.append(
            LogRow(
                item=r.item_id,
                question=it.question if it else "",
                topic=it.topic if it else "(removed)",
                level=it.level if it else "",
                status=r.status,
                attempts=r.reps,
                lapses=r.lapses,
                last_review=r.last_review.isoformat(timespec="seconds") if r.last_review else "",
                next_review=r.due.isoformat(timespec="seconds"),
            )
        )
    return out


def to_csv(rows: list[LogRow]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(asdict(r))
    return buf.getvalue()


def to_markdown(rows: list[LogRow]) -> str:
    def cell(v: object) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(v) for v in asdict(r).values()) + " |" for r in rows]
    return "\n".join(lines) + "\n"
