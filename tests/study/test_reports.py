"""Card reports: stored locally with the card's content version, refused when empty or too long, exported as
Markdown that says when the card has changed since."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from mldrill import __version__
from mldrill.store import CardReport, Database
from mldrill.study.items import Item
from mldrill.study.reports import ReportError, content_hash, list_reports, report_card, to_markdown

CARD = Item(
    "alpha/a1", "card", "alpha", "numerics-losses", "L1", "Why $e^x$?", "Because.", "A trap.", (), (), ("Paper §3",)
)


def test_a_report_keeps_the_note_the_version_and_the_card_as_shown(db: Database) -> None:
    when = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    r = report_card(db, CARD, "  The answer cites the wrong section.\n", now=when)
    shown = {"question": "Why $e^x$?", "answer": "Because.", "trap": "A trap.", "level": "L1", "sources": ["Paper §3"]}
    expected = hashlib.sha256(json.dumps(shown, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert (r.item_id, r.note, r.app_version, r.content_hash) == (
        "alpha/a1",
        "The answer cites the wrong section.",
        __version__,
        expected,
    )
    with db.session() as s:
        row = s.get(CardReport, r.id)
        assert row is not None and row.created_at == when and row.content_hash == expected
    assert content_hash(replace(CARD, sources=("Paper §4",))) != expected  # any shown change changes the hash


@pytest.mark.parametrize(("note", "needle"), [("", "the note is empty"), ("  \n", "empty"), ("x" * 5001, "5001")])
def test_an_empty_or_huge_note_is_refused(db: Database, note: str, needle: str) -> None:
    with pytest.raises(ReportError, match=needle):
        report_card(db, CARD, note)
    assert list_reports(db) == []


def test_markdown_export_lists_reports_newest_first_and_flags_changed_cards(db: Database) -> None:
    report_card(db, CARD, "first\nsecond line", now=datetime(2026, 12, 1, tzinfo=UTC))
    report_card(db, replace(CARD, id="gone/x"), "about a removed card", now=datetime(2026, 12, 2, tzinfo=UTC))
    report_card(db, CARD, "later", now=datetime(2026, 12, 3, tzinfo=UTC))
    reports = list_reports(db)
    assert [r.note for r in reports] == ["later", "about a removed card", "first\nsecond line"]
    md = to_markdown(reports, {"alpha/a1": replace(CARD, answer="Because, fixed.")})
    assert md.startswith("# mldrill card reports\n\n3 report(s)")
    assert md.count("## alpha/a1 (the card has changed since)") == 2 and "## gone/x (no longer in the content)" in md
    assert "> first\n> second line" in md and "- question: Why $e^x$?" in md
    assert "- reported: 2026-12-03T00:00:00+00:00" in md and f"mldrill {__version__}" in md
    assert "(the card has changed since)" not in to_markdown(reports[:1], {"alpha/a1": CARD})
