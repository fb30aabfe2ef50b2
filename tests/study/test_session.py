"""Drill sessions: queue order, new-card limit, follow-ups, learning steps, undo, commit-before-next."""

from __future__ import annotations

from pathlib import Path

from clockutil import FakeClock
from minicontent import mini_catalog
from mldrill.store import Database, ItemState, Review, open_db
from mldrill.study.items import catalog_items
from mldrill.study.scheduler import Settings
from mldrill.study.session import DrillSession

S = Settings(fuzz=False, timezone="UTC")


def _setup(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    items = catalog_items(mini_catalog(tmp_path / "content"))
    return items, list(items.values())


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as s:
        return s.query(Review).count(), s.query(ItemState).count()


def test_new_cards_interleaved_and_followups_come_next(db: Database, tmp_path: Path) -> None:
    items, pool = _setup(db, tmp_path)
    s = DrillSession(db, items, pool, settings=S, clock=FakeClock())
    # study/plan.py's order, by hand: a2 and a3 wait for their parent a1; numerics-losses gives a1 (L1), a4 (L3),
    # attention-transformers b2 (L1), b1 (L2); the areas take turns.
    assert s.queue == ["alpha/a1", "beta/b2", "alpha/a4", "beta/b1"]
    s.queue = ["alpha/a1", "beta/b1"]  # follow-ups are inserted even when not in the queue
    s.rate(4)
    assert s.queue[:3] == ["alpha/a2", "alpha/a3", "beta/b1"]
    assert s.followup_of == {"alpha/a2": "alpha/a1", "alpha/a3": "alpha/a1"}


def test_limit_and_new_per_day(db: Database, tmp_path: Path) -> None:
    items, pool = _setup(db, tmp_path)
    clock = FakeClock()
    assert len(DrillSession(db, items, pool, settings=S, clock=clock, limit=2).queue) == 2
    s = DrillSession(db, items, pool, settings=Settings(fuzz=False, timezone="UTC", new_per_day=3), clock=clock)
    assert len(s.queue) == 3
    s.rate(1)  # one new card introduced today (Again: due again in a minute)
    assert (
        len(
            DrillSession(
                db, items, pool, settings=Settings(fuzz=False, timezone="UTC", new_per_day=3), clock=clock
            ).queue
        )
        == 2
    )
    clock.advance(days=1)  # a new day: the due a1 first, then a fresh allowance of new cards
    nxt = DrillSession(db, items, pool, settings=Settings(fuzz=False, timezone="UTC", new_per_day=3), clock=clock)
    assert nxt.queue[0] == "alpha/a1" and len(nxt.queue) == 4


def test_due_cards_come_before_new_ones_oldest_first(db: Database, tmp_path: Path) -> None:
    items, pool = _setup(db, tmp_path)
    clock = FakeClock()
    s = DrillSession(db, items, [items["beta/b2"], items["beta/b1"]], settings=S, clock=clock)
    s.rate(4)  # b2 -> due in days
    clock.advance(minutes=1)
    s.rate(4)  # b1 -> due a minute later than b2
    clock.advance(days=60)
    s2 = DrillSession(db, items, pool, settings=S, clock=clock)
    assert s2.queue[:3] == ["beta/b2", "beta/b1", "alpha/a1"]


def test_learning_cards_come_back_in_the_same_session(db: Database, tmp_path: Path) -> None:
    items, _pool = _setup(db, tmp_path)
    s = DrillSession(db, items, [items["beta/b1"], items["beta/b2"]], settings=S, clock=FakeClock())
    assert s.queue == ["beta/b2", "beta/b1"]  # L1 before L2 (study/plan.py)
    r = s.rate(1)  # Again: 1-minute learning step
    assert r.status == "unknown"
    assert s.queue == ["beta/b1", "beta/b2"]
    s.rate(4)
    s.rate(4)  # Easy graduates b2 to days: not re-queued
    assert s.queue == []


def test_undo_restores_state_and_queue(db: Database, tmp_path: Path) -> None:
    items, pool = _setup(db, tmp_path)
    clock = FakeClock()
    s = DrillSession(db, items, pool, settings=S, clock=clock)
    s.rate(3)
    with db.session() as ss:
        before = {c.name: getattr(ss.get(ItemState, "alpha/a1"), c.name) for c in ItemState.__table__.columns}
    queue_before = list(s.queue)
    clock.advance(minutes=5)
    s.rate(2)  # alpha/a2
    s.queue = ["alpha/a1", *s.queue]
    clock.advance(minutes=5)
    s.rate(4)  # alpha/a1 again: an update of an existing state
    assert s.undo() is not None and s.current() is not None and s.current().id == "alpha/a1"  # type: ignore[union-attr]
    with db.session() as ss:
        after = {c.name: getattr(ss.get(ItemState, "alpha/a1"), c.name) for c in ItemState.__table__.columns}
    assert after == before
    assert s.undo() is not None  # a2 was new: its state disappears
    assert s.queue == queue_before
    with db.session() as ss:
        assert ss.get(ItemState, "alpha/a2") is None
    assert _counts(db) == (1, 1)
    s.undo()
    assert _counts(db) == (0, 0) and s.undo() is None


def test_each_rating_is_committed_before_rate_returns(db: Database, tmp_path: Path, db_url: str) -> None:
    items, pool = _setup(db, tmp_path)
    s = DrillSession(db, items, pool, settings=S, clock=FakeClock())
    s.rate(3)
    other = open_db(db_url)  # a separate connection sees it at once
    try:
        with other.session() as ss:
            assert ss.query(Review).count() == 1
    finally:
        other.close()


def test_extra_review_of_shaky_and_unknown(db: Database, tmp_path: Path) -> None:
    items, pool = _setup(db, tmp_path)
    clock = FakeClock()
    s = DrillSession(db, items, pool, settings=S, clock=clock)
    for rating in (4, 2, 1):  # a1 fluent (single Easy), a2 shaky, a3 unknown
        s.rate(rating)
    seen = [items[i] for i in ("alpha/a1", "alpha/a2", "alpha/a3")]
    extra = DrillSession(db, items, seen, settings=S, clock=clock, extra=True)
    assert extra.queue[:2] == ["alpha/a3", "alpha/a2"]
