"""Scheduling goes through py-fsrs: our persisted state reproduces py-fsrs's own intervals step by step."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from clockutil import FakeClock
from minicontent import mini_catalog
from mldrill.store import Database, ItemState
from mldrill.study.items import catalog_items
from mldrill.study.scheduler import Settings, format_interval
from mldrill.study.session import DrillSession

NO_FUZZ = Settings(fuzz=False, timezone="UTC")


def _review_at_due(db: Database, tmp_path: Path, ratings: list[int]) -> list[timedelta]:
    """Rate one card repeatedly, each time exactly when it falls due; return the intervals we stored."""
    cat = mini_catalog(tmp_path / "content")
    items = catalog_items(cat)
    clock = FakeClock()
    intervals = []
    for r in ratings:
        s = DrillSession(db, items, [items["beta/b1"]], settings=NO_FUZZ, clock=clock)
        assert s.current() is not None and s.current().id == "beta/b1"  # type: ignore[union-attr]
        rated = s.rate(r)
        intervals.append(rated.interval)
        with db.session() as ss:
            row = ss.get(ItemState, "beta/b1")
            assert row is not None and row.due == rated.due
        clock.jump_to(rated.due)
    return intervals


def _oracle(ratings: list[int]) -> list[timedelta]:
    sched = Scheduler(enable_fuzzing=False)
    card, t, out = FsrsCard(), FakeClock().now, []
    for r in ratings:
        card, _ = sched.review_card(card, Rating(r), t)
        out.append(card.due - t)
        t = card.due
    return out


def test_scripted_ratings_give_py_fsrs_intervals(db: Database, tmp_path: Path) -> None:
    script = [3, 3, 3, 3, 1, 3, 3, 4, 2, 3]
    assert _review_at_due(db, tmp_path, script) == _oracle(script)


def test_a_lapse_shortens_the_interval(db: Database, tmp_path: Path) -> None:
    got = _review_at_due(db, tmp_path, [3, 3, 3, 3, 1])
    assert got[3] >= timedelta(days=2)  # graduated, in review
    assert got[4] < timedelta(hours=1)  # Again: back to a relearning step


def test_format_interval() -> None:
    assert [format_interval(timedelta(seconds=s)) for s in (20, 600, 7200, 86400 * 3, 86400 * 90, 86400 * 800)] == [
        "1m", "10m", "2h", "3d", "3.0mo", "2.2y"
    ]  # fmt: skip
