"""Stats (due, reviewed, retention, streak, mastery) and the practice log with its exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from zoneinfo import ZoneInfo

from clockutil import FakeClock
from minicontent import mini_catalog
from mldrill.store import Database
from mldrill.study.items import catalog_items
from mldrill.study.log import practice_log, to_csv, to_markdown
from mldrill.study.scheduler import Settings, save_setting
from mldrill.study.session import DrillSession
from mldrill.study.stats import compute_stats

S = Settings(fuzz=False, timezone="UTC")


def test_stats_count_what_happened(db: Database, tmp_path: Path) -> None:
    save_setting(db, "timezone", "UTC")
    items = catalog_items(mini_catalog(tmp_path / "content"))
    clock = FakeClock()
    for _day in range(3):  # three consecutive days of practice
        s = DrillSession(db, items, list(items.values()), settings=S, clock=clock, limit=2)
        while s.current() is not None and len(s.history) < 4:
            s.rate(3)
        clock.advance(days=1)
    clock.advance(days=-1)
    st = compute_stats(db, items, clock=clock)
    assert st["streak_days"] == 3
    assert st["reviewed_today"] == len(s.history) >= 3  # the last day's session, counted by the session itself
    clock.advance(days=2)  # a day skipped: the streak is broken
    assert compute_stats(db, items, clock=clock)["streak_days"] == 0
    areas = st["areas"]
    assert isinstance(areas, dict) and areas["numerics-losses"]["cards"] == 4
    assert st["new_available"] == 6 - sum(a["seen"] for a in areas.values())


def test_retention_counts_only_review_state_cards(db: Database, tmp_path: Path) -> None:
    items = catalog_items(mini_catalog(tmp_path / "content"))
    clock = FakeClock()
    s = DrillSession(db, items, [items["beta/b1"], items["beta/b2"]], settings=S, clock=clock)
    s.rate(4)
    s.rate(4)  # new -> review: learning reviews are not counted
    assert compute_stats(db, items, clock=clock)["retention_30d"] is None
    clock.advance(days=60)  # both due: one pass, one lapse
    later = DrillSession(db, items, [items["beta/b1"], items["beta/b2"]], settings=S, clock=clock)
    assert later.queue == ["beta/b1", "beta/b2"]
    later.rate(3)
    later.rate(1)
    st = compute_stats(db, items, clock=clock)
    assert (st["retention_30d"], st["retention_reviews"]) == (0.5, 2)


def test_practice_log_and_exports(db: Database, tmp_path: Path) -> None:
    items = catalog_items(mini_catalog(tmp_path / "content"))
    s = DrillSession(db, items, list(items.values()), settings=S, clock=FakeClock(), limit=3)
    s.queue = ["beta/b1", "beta/b2", "alpha/a4"]
    for r in (4, 2, 1):
        s.rate(r)
    rows = practice_log(db, items)
    assert [(r.item, r.status) for r in rows] == [("alpha/a4", "unknown"), ("beta/b2", "shaky"), ("beta/b1", "fluent")]
    assert [r.item for r in practice_log(db, items, status={"shaky", "unknown"})] == ["alpha/a4", "beta/b2"]
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert [(p["item"], p["status"], p["attempts"]) for p in parsed] == [
        (r.item, r.status, str(r.attempts)) for r in rows
    ]
    md = to_markdown(rows).splitlines()
    assert md[0].startswith("| item | question | topic |") and len(md) == 2 + len(rows)
    assert [p["question"] for p in parsed] == [items[r.item].question for r in rows]
    assert md[2].startswith(f"| alpha/a4 | {items['alpha/a4'].question} |")


def test_streak_matches_counting_days_back_from_today(db: Database, tmp_path: Path) -> None:
    """The streak stops reading at the first gap; the oracle is the plain definition on the set of review days:
    count consecutive days back from today (or from yesterday when today has no review yet)."""
    import random
    from datetime import timedelta

    from mldrill.store import Review

    save_setting(db, "timezone", "Asia/Kolkata")  # a +05:30 zone: local days differ from UTC days
    zone = ZoneInfo("Asia/Kolkata")
    items = catalog_items(mini_catalog(tmp_path / "content"))
    clock = FakeClock()
    today = clock().astimezone(zone).date()
    rng = random.Random(7)
    for case in range(60):
        times = [clock() - timedelta(hours=rng.uniform(-30, 24 * 12)) for _ in range(rng.randint(0, 40))]
        with db.session() as s:
            s.query(Review).delete()
            s.add_all(Review(item_id="alpha/a1", kind="card", rating=3, reviewed_at=t) for t in times)
        days = {t.astimezone(zone).date() for t in times}
        day = today if today in days else today - timedelta(days=1)
        expected = 0
        while day in days:
            expected, day = expected + 1, day - timedelta(days=1)
        assert compute_stats(db, items, clock=clock)["streak_days"] == expected, case


def test_review_days_follows_appends_deletions_and_replacements(db: Database) -> None:
    """review_days is kept between calls; after every kind of change it must equal a plain recount of the table."""
    import random
    from collections import Counter
    from datetime import timedelta

    from sqlalchemy import delete, select

    from mldrill.store import Review
    from mldrill.study.stats import review_days

    zone = ZoneInfo("America/New_York")  # DST: a fixed offset would put some reviews on the wrong day
    rng = random.Random(3)
    base = FakeClock()()

    def stamp():  # a UTC instant in the last 400 days
        return base - timedelta(hours=rng.uniform(0, 24 * 400))

    def recount() -> Counter:
        with db.session() as s:
            return Counter(t.astimezone(zone).date() for t in s.scalars(select(Review.reviewed_at)))

    for step in range(40):
        op = rng.choice(["append", "append", "undo", "replace", "drop-oldest", "none"])
        with db.session() as s:
            if op == "append":
                s.add_all(Review(item_id="a/b", kind="card", rating=3, reviewed_at=stamp()) for _ in range(20))
            elif op == "undo":
                last = s.scalar(select(Review.id).order_by(Review.id.desc()).limit(1))
                if last is not None:
                    s.execute(delete(Review).where(Review.id == last))
            elif op == "replace":  # a restore: the same ids, other timestamps
                ids = list(s.scalars(select(Review.id)))
                s.execute(delete(Review))
                s.add_all(Review(id=i, item_id="a/b", kind="card", rating=3, reviewed_at=stamp()) for i in ids)
            elif op == "drop-oldest":  # a deck's deletion: old rows go, the newest stays
                first = s.scalar(select(Review.id).order_by(Review.id).limit(1))
                if first is not None:
                    s.execute(delete(Review).where(Review.id == first))
        assert review_days(db, zone) == recount(), (step, op)
    tokyo = ZoneInfo("Asia/Tokyo")  # another timezone recounts
    with db.session() as s:
        assert review_days(db, tokyo) == Counter(
            t.astimezone(tokyo).date() for t in s.scalars(select(Review.reviewed_at))
        )
