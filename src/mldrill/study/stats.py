"""Numbers for `mldrill stats`: due today (and which katas), reviewed today, retention, streak, per-area mastery.

- retention: the share of reviews of cards in the Review state (not learning steps) rated Hard, Good or Easy
  rather than Again, over the last 30 days — Anki's "true retention"; None when there is no such review yet.
- streak: consecutive local days with at least one review, ending today (or yesterday, if today has none yet).
- mastery of an area: the share of its cards whose practice-log status is fluent.

The Stats page's charts, all in local days of the `timezone` setting:
- reviews_per_day: the count of reviews on each of the last `days` days (today included), zeros included.
- retention_by_week: the retention above per calendar week (Monday first) for the last `weeks` weeks, this one
  included, as (Monday, retained, total); total 0 means no review of a card in the Review state that week.
- due_forecast: the items falling due on each of the next `days` days; overdue items count on today, as in
  `due_today`.
Each takes the settings already loaded by a page that calls several of them. Each reads only the columns it needs in
one SELECT: the page stays fast on a history of many thousand reviews.
The streak and reviews_per_day share `review_days`, the count of reviews per local day over the whole history: it is
kept per database and brought up to date by reading only the reviews added since (see its docstring), so a page
does not turn 10,000 timestamps into local days on every request.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from fsrs import State
from sqlalchemy import case, func, select

from mldrill.catalog import Catalog
from mldrill.store import Database, ItemState, Review
from mldrill.study.clock import Clock, day_bounds, day_start, local_day, local_zone, utcnow
from mldrill.study.items import Item
from mldrill.study.plan import introduced_today
from mldrill.study.scheduler import Settings, load_settings

_STATE_COLUMNS = (ItemState.item_id, ItemState.status, ItemState.due)
# A review of an item that was in the Review state (not new, not in a learning step), in SQL.
_MATURE = Review.prev_state["state"].as_integer() == State.Review


def _cap(db: Database, items: dict[str, Item], settings: Settings, now: datetime) -> int:
    if not (settings.track and settings.interview_date):
        return settings.new_per_day
    from mldrill.catalog import get_catalog
    from mldrill.study.plan import plan_status

    return plan_status(db, get_catalog(), items, settings=settings, now=now).cap


@dataclass(frozen=True)
class _DaysMemo:
    zone: tzinfo
    fingerprint: tuple[Any, ...]  # _FINGERPRINT of the reviews counted
    per_day: Counter[date]


# Row count, id range and sum, oldest and newest timestamp: aggregates over indexed columns, one cheap SELECT.
_FINGERPRINT = (
    func.count(Review.id),
    func.max(Review.id),
    func.sum(Review.id),
    func.min(Review.reviewed_at),
    func.max(Review.reviewed_at),
)


def review_days(db: Database, zone: tzinfo) -> Counter[date]:
    """Local day -> number of reviews that day, over the whole history (do not modify the result).

    Reviews are appended (a rating) or deleted (undo, a deck's deletion, a restore, which clears `db.memo`). The
    result is kept in `db.memo` with a fingerprint of the table; a call whose fingerprint matches returns it, one
    whose old rows (id <= the old largest id) still give the old fingerprint reads only the rows added since, and
    anything else (or another timezone) recounts. Another process writing to the same database is seen the same way.
    """
    with db.session() as s:
        fingerprint = tuple(s.execute(select(*_FINGERPRINT)).one())
        memo = db.memo.get("review_days")
        if memo is not None and memo.zone == zone and memo.fingerprint == fingerprint:
            return memo.per_day
        stamps = select(Review.reviewed_at)
        per_day: Counter[date] = Counter()
        if memo is not None and memo.zone == zone and memo.fingerprint[0]:
            old_last = memo.fingerprint[1]
            if tuple(s.execute(select(*_FINGERPRINT).where(Review.id <= old_last)).one()) == memo.fingerprint:
                per_day = memo.per_day.copy()
                stamps = stamps.where(Review.id > old_last)
        per_day.update(local_day(t, zone) for t in s.scalars(stamps))
    db.memo["review_days"] = _DaysMemo(zone, fingerprint, per_day)
    return per_day


def _streak(per_day: Counter[date], today: date) -> int:
    """Consecutive days with a review ending today, or yesterday when today has none yet."""
    day = today if per_day[today] else today - timedelta(days=1)
    streak = 0
    while per_day.get(day, 0):
        streak, day = streak + 1, day - timedelta(days=1)
    return streak


def compute_stats(
    db: Database, items: dict[str, Item], *, clock: Clock = utcnow, settings: Settings | None = None
) -> dict[str, object]:
    settings = settings or load_settings(db)
    cards = {i: it for i, it in items.items() if it.kind == "card"}  # new cards and mastery count flashcards
    zone = local_zone(settings.timezone)
    now = clock()
    start, end = day_bounds(now, zone)
    today = local_day(now, zone)
    with db.session() as s:
        # (status, due before the day ends): the comparison in SQL, so no due date is turned into a datetime
        due_by_end = case((ItemState.due < end, True), else_=False)
        rows = s.execute(select(ItemState.item_id, ItemState.status, due_by_end))
        states = {i: (status, bool(due)) for i, status, due in rows}
        reviewed_today = s.scalar(select(func.count()).select_from(Review).where(Review.reviewed_at >= start)) or 0
        # Retention counts in SQL: decoding every month's prev_state in Python is slow.
        mature_total, mature_retained = s.execute(
            select(func.count(), func.coalesce(func.sum(case((Review.rating > 1, 1), else_=0)), 0)).where(
                Review.reviewed_at >= now - timedelta(days=30), _MATURE
            )
        ).one()
    streak = _streak(review_days(db, zone), today)
    from mldrill.study.deck import hidden_ids

    hidden = hidden_ids(db, now)  # suspended and buried cards are not due and not new today
    retention = mature_retained / mature_total if mature_total else None
    areas: dict[str, dict[str, int]] = defaultdict(
        lambda: {"cards": 0, "seen": 0, "fluent": 0, "shaky": 0, "unknown": 0}
    )
    for it in cards.values():
        a = areas[it.area]
        a["cards"] += 1
        st = states.get(it.id)
        if st is not None:
            a["seen"] += 1
            a[st[0]] += 1
    return {
        "due_today": sum(1 for i, (_, due) in states.items() if due and i in items and i not in hidden),
        "due_katas": sorted(i for i, (_, due) in states.items() if due and i in items and items[i].kind == "kata"),
        "new_available": sum(1 for i in cards if i not in states and i not in hidden),
        # main cards only: follow-ups never count against the cap, which an interview plan may raise (study/plan.py)
        "new_left_today": max(0, _cap(db, items, settings, now) - introduced_today(db, items, start).main),
        "reviewed_today": reviewed_today,
        "retention_30d": retention,
        "retention_reviews": mature_total,
        "streak_days": streak,
        "areas": {k: {**v, "mastery": v["fluent"] / v["cards"]} for k, v in sorted(areas.items())},
    }


def _today(db: Database, clock: Clock, settings: Settings | None) -> tuple[date, tzinfo]:
    zone = local_zone((settings or load_settings(db)).timezone)
    return local_day(clock(), zone), zone


def reviews_per_day(
    db: Database, *, days: int = 365, clock: Clock = utcnow, settings: Settings | None = None
) -> dict[date, int]:
    """Local day -> number of reviews, for the `days` days ending today, oldest first."""
    today, zone = _today(db, clock, settings)
    counts = review_days(db, zone)
    return {d: counts.get(d, 0) for d in (today - timedelta(days=i) for i in reversed(range(days)))}


def retention_by_week(
    db: Database, *, weeks: int = 12, clock: Clock = utcnow, settings: Settings | None = None
) -> list[tuple[date, int, int]]:
    """(Monday, retained, total) for the `weeks` calendar weeks ending with this one, oldest first.

    total counts the reviews of items in the Review state; retained those of them rated Hard, Good or Easy.
    """
    today, zone = _today(db, clock, settings)
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)  # the Monday `weeks - 1` weeks back
    with db.session() as s:
        rows = s.execute(
            select(Review.reviewed_at, Review.rating).where(Review.reviewed_at >= day_start(first, zone), _MATURE)
        )
        retained, total = [0] * weeks, [0] * weeks
        for t, rating in rows:
            w = (local_day(t, zone) - first).days // 7
            if w < weeks:
                total[w] += 1
                retained[w] += rating > 1
    return [(first + timedelta(weeks=w), retained[w], total[w]) for w in range(weeks)]


def due_forecast(
    db: Database, items: Mapping[str, Item], *, days: int = 30, clock: Clock = utcnow, settings: Settings | None = None
) -> dict[date, int]:
    """Local day -> number of items (cards and katas) falling due that day, for the next `days` days from today.

    Overdue items count on today. Item states whose item is not in `items` (a deleted deck) are left out.
    """
    today, zone = _today(db, clock, settings)
    counts: Counter[date] = Counter()
    with db.session() as s:
        for item_id, due in s.execute(select(ItemState.item_id, ItemState.due)):
            if item_id in items:
                counts[max(local_day(due, zone), today)] += 1
    window = [today + timedelta(days=i) for i in range(days)]
    return {d: counts[d] for d in window}


def topic_progress(
    db: Database, cat: Catalog, *, only: str | None = None, clock: Clock = utcnow
) -> dict[str, dict[str, float]]:
    """Per topic (or for the one topic `only`): cards, seen, due now and mastery (share of cards fluent).
    Reads just the three columns it needs, and for `only` just that topic's rows (the Topic page's budget)."""
    now = clock()
    topics = [cat.topics[only]] if only is not None else list(cat.topics.values())
    query = select(*_STATE_COLUMNS)
    if only is not None:
        query = query.where(ItemState.item_id.in_([c.id for c in topics[0].cards]))
    with db.session() as s:
        states = {item_id: (status, due) for item_id, status, due in s.execute(query)}
    out: dict[str, dict[str, float]] = {}
    for t in topics:
        seen = [states[c.id] for c in t.cards if c.id in states]
        n = len(t.cards)
        out[t.id] = {
            "cards": n,
            "seen": len(seen),
            "due": sum(due <= now for _, due in seen),
            "mastery": sum(status == "fluent" for status, _ in seen) / n if n else 0.0,
        }
    return out
