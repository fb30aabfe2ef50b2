""" "Report a problem with this card": the user's note, kept locally with the exact version of the card they saw.

A report stores the card id, the note, `mldrill.__version__` and a content hash: the sha256 of the card as shown
(question, answer, trap, level and sources, as canonical JSON), so a maintainer can tell whether the card has
changed since. Reports are listed at /reports and exported as Markdown (`/reports.md`, `mldrill reports export`),
ready to paste into an issue. Nothing is sent anywhere.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from mldrill.store import CardReport, Database
from mldrill.store.backup_check import MAX_NOTE
from mldrill.study.clock import utcnow
from mldrill.study.items import Item


class ReportError(ValueError):
    pass


def content_hash(item: Item) -> str:
    shown: dict[str, object] = {"question": item.question, "answer": item.answer, "trap": item.trap}
    shown |= {"level": item.level, "sources": list(item.sources)}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Report:
    id: int
    item_id: str
    note: str
    app_version: str
    content_hash: str
    created_at: datetime


def report_card(db: Database, item: Item, note: str, *, now: datetime | None = None) -> Report:
    from mldrill import __version__

    note = note.strip()
    if not note:
        raise ReportError("say what is wrong with the card (the note is empty)")
    if len(note) > MAX_NOTE:
        raise ReportError(f"the note is {len(note)} characters; at most {MAX_NOTE}")
    row = CardReport(
        item_id=item.id, note=note, app_version=__version__, content_hash=content_hash(item), created_at=now or utcnow()
    )
    with db.session() as s:
        s.add(row)
        s.flush()
        return _report(row)


def _report(r: CardReport) -> Report:
    return Report(r.id, r.item_id, r.note, r.app_version, r.content_hash, r.created_at)


def list_reports(db: Database) -> list[Report]:
    """Newest first."""
    with db.session() as s:
        return [_report(r) for r in s.scalars(select(CardReport).order_by(CardReport.id.desc()))]


def to_markdown(reports: list[Report], items: dict[str, Item]) -> str:
    """One section per report: the card, when, the version and hash, the note quoted; then the card's question."""
    from mldrill import __version__

    out = [f"# mldrill card reports\n\n{len(reports)} report(s), exported by mldrill {__version__}.\n"]
    for r in reports:
        item = items.get(r.item_id)
        changed = item is not None and content_hash(item) != r.content_hash
        state = " (the card has changed since)" if changed else (" (no longer in the content)" if item is None else "")
        out.append(f"## {r.item_id}{state}\n")
        out.append(f"- reported: {r.created_at.isoformat(timespec='seconds')}")
        out.append(f"- version: mldrill {r.app_version}, card sha256 {r.content_hash}")
        if item is not None:
            out.append(f"- question: {' '.join(item.question.split())}")
        out.append("")
        out.extend(f"> {line}".rstrip() for line in r.note.splitlines())
        out.append("")
    return "\n".join(out)
