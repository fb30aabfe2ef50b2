"""The Stats page's chart data: reviews per local day, retention per week, the due forecast.

Oracles: a Counter over the raw timestamps converted with zoneinfo, and hand-counted cases around local midnight,
a DST change, week boundaries and the window edges; the due forecast's today agrees with compute_stats' due_today.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fsrs import State
from sqlalchemy import event

from clockutil import FakeClock
from minicontent import mini_catalog
from mldrill.store import Database, ItemState, Review
from mldrill.study.items import Item, catalog_items
from mldrill.study.scheduler import save_setting
from mldrill.study.stats import compute_stats, due_forecast, retention_by_week, reviews_per_day


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def add_reviews(db: Database, rows: list[tuple[datetime, int, State | None]]) -> None:
    """(when, rating, state before the review or None for a new item) -> review rows."""
    with db.session() as s:
        s.add_all(
            Review(
                item_id="alpha/a1",
                kind="card",
                rating=rating,
                reviewed_at=t,
                prev_state=None if prev is None else {"state": int(prev), "stability": 3.0, "difficulty": 5.0},
            )
            for t, rating, prev in rows
        )


def add_states(db: Database, due: dict[str, datetime]) -> None:
    with db.session() as s:
        for item_id, when in due.items():
            s.add(
                ItemState(
                    item_id=item_id,
                    kind=item_id.split("/")[0] if item_id.startswith("kata/") else "card",
                    state=int(State.Review),
                    step=None,
                    stability=10.0,
                    difficulty=5.0,
                    due=when,
                    last_review=when - timedelta(days=10),
                    first_review=when - timedelta(days=20),
                    reps=3,
                    lapses=0,
                    status="fluent",
                )
            )


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_reviews_per_day_matches_a_counter_of_local_dates(db: Database, tz: str) -> None:
    save_setting(db, "timezone", tz)
    clock = FakeClock()
    rng = random.Random(0)
    stamps = [clock.now - timedelta(seconds=rng.uniform(0, 400 * 86400)) for _ in range(400)]
    add_reviews(db, [(t, 3, None) for t in stamps])
    zone = ZoneInfo(tz)
    today = clock.now.astimezone(zone).date()
    first = today - timedelta(days=364)
    expected = Counter(d for t in stamps if first <= (d := t.astimezone(zone).date()) <= today)
    got = reviews_per_day(db, clock=clock)
    assert list(got) == [first + timedelta(days=i) for i in range(365)]  # every day, zeros included, oldest first
    assert {d: n for d, n in got.items() if n} == dict(expected)


def test_reviews_per_day_splits_at_local_midnight_across_a_dst_change(db: Database) -> None:
    save_setting(db, "timezone", "America/New_York")  # EDT (UTC-4) until 2026-11-01 06:00 UTC, then EST (UTC-5)
    add_reviews(
        db,
        [
            (utc("2026-11-01T03:59:59"), 3, None),  # Oct 31, 23:59:59 EDT
            (utc("2026-11-01T04:00:00"), 3, None),  # Nov 1, 00:00 EDT
            (utc("2026-11-02T04:30:00"), 3, None),  # Nov 1, 23:30 EST (a UTC day would say Nov 2)
            (utc("2026-11-03T04:59:59"), 3, None),  # Nov 2, 23:59:59 EST
            (utc("2026-11-03T05:00:00"), 3, None),  # Nov 3, 00:00 EST
            (utc("2026-11-04T05:00:00"), 3, None),  # Nov 4: after today, left out
        ],
    )
    clock = FakeClock(utc("2026-11-03T12:00:00"))  # Nov 3, 07:00 EST
    nonzero = {d: n for d, n in reviews_per_day(db, clock=clock).items() if n}
    assert nonzero == {date(2026, 10, 31): 1, date(2026, 11, 1): 2, date(2026, 11, 2): 1, date(2026, 11, 3): 1}
    assert reviews_per_day(db, days=3, clock=clock) == {
        date(2026, 11, 1): 2,
        date(2026, 11, 2): 1,
        date(2026, 11, 3): 1,
    }


def test_retention_by_week_counts_review_state_ratings_per_local_week(db: Database) -> None:
    save_setting(db, "timezone", "Asia/Tokyo")  # UTC+9: Monday 00:00 local is Sunday 15:00 UTC
    add_reviews(
        db,
        [
            (utc("2026-10-18T12:00:00"), 3, State.Review),  # week of Oct 12: before the 3-week window
            (utc("2026-10-21T12:00:00"), 3, State.Learning),  # week of Oct 19: no mature review -> (0, 0)
            (utc("2026-11-01T14:59:00"), 1, State.Review),  # Sun Nov 1, 23:59 JST: week of Oct 26, forgotten
            (utc("2026-11-01T15:00:00"), 3, State.Review),  # Mon Nov 2, 00:00 JST: this week, kept
            (utc("2026-11-02T10:00:00"), 1, State.Review),  # forgotten
            (utc("2026-11-03T01:00:00"), 2, State.Review),  # Hard still counts as retained
            (utc("2026-11-03T02:00:00"), 1, State.Learning),  # learning and relearning steps and new cards: not counted
            (utc("2026-11-03T02:00:00"), 3, State.Relearning),
            (utc("2026-11-03T02:00:00"), 4, None),
        ],
    )
    clock = FakeClock(utc("2026-11-04T03:00:00"))  # Wed Nov 4, 12:00 JST
    assert retention_by_week(db, weeks=3, clock=clock) == [
        (date(2026, 10, 19), 0, 0),
        (date(2026, 10, 26), 0, 1),
        (date(2026, 11, 2), 2, 3),
    ]
    twelve = retention_by_week(db, clock=clock)
    assert [w[0] for w in twelve] == [date(2026, 8, 17) + timedelta(weeks=i) for i in range(12)]
    assert twelve[-3:] == retention_by_week(db, weeks=3, clock=clock)


def test_due_forecast_counts_items_per_local_day_with_overdue_on_today(db: Database, tmp_path: Path) -> None:
    save_setting(db, "timezone", "America/New_York")
    items = catalog_items(mini_catalog(tmp_path / "content"))
    items["kata/softmax"] = Item("kata/softmax", "kata", "alpha", "numerics-losses", "L2", "Softmax", "", "")
    add_states(
        db,
        {
            "alpha/a1": utc("2026-10-20T12:00:00"),  # overdue -> today
            "alpha/a2": utc("2026-11-03T23:00:00"),  # Nov 3, 18:00 EST: later today
            "alpha/a3": utc("2026-11-04T04:59:00"),  # Nov 3, 23:59 EST: still today (Nov 4 in UTC)
            "alpha/a4": utc("2026-11-04T05:00:00"),  # Nov 4, 00:00 EST: tomorrow
            "kata/softmax": utc("2026-11-05T15:00:00"),  # katas count like cards
            "beta/b1": utc("2026-12-02T12:00:00"),  # day 29, the last in the window
            "beta/b2": utc("2026-12-03T12:00:00"),  # day 30: outside
            "user/gone/x": utc("2026-10-01T12:00:00"),  # its deck was deleted: not an item any more
        },
    )
    clock = FakeClock(utc("2026-11-03T12:00:00"))  # Nov 3, 07:00 EST
    got = due_forecast(db, items, clock=clock)
    assert list(got) == [date(2026, 11, 3) + timedelta(days=i) for i in range(30)]
    expected = [0] * 30
    expected[0], expected[1], expected[2], expected[29] = 3, 1, 1, 1
    assert list(got.values()) == expected
    assert got[date(2026, 11, 3)] == compute_stats(db, items, clock=clock)["due_today"]
    assert list(due_forecast(db, items, days=2, clock=clock).values()) == [3, 1]


def test_each_chart_reads_the_database_once(db: Database, tmp_path: Path) -> None:
    """A fixed number of SELECTs per chart (the settings and one read; the heatmap also the table's fingerprint,
    and then no read at all while the reviews are unchanged), however many reviews: no query per row or per day."""
    items = catalog_items(mini_catalog(tmp_path / "content"))
    clock = FakeClock()
    add_reviews(db, [(clock.now - timedelta(hours=7 * i), 1 + i % 4, State.Review) for i in range(300)])
    add_states(db, {i: clock.now + timedelta(days=n) for n, i in enumerate(items)})
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for chart, selects in (
        (lambda: reviews_per_day(db, clock=clock), 3),
        (lambda: reviews_per_day(db, clock=clock), 2),  # kept: only the fingerprint is read again
        (lambda: retention_by_week(db, clock=clock), 2),
        (lambda: due_forecast(db, items, clock=clock), 2),
    ):
        statements.clear()
        chart()
        assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == selects, statements
