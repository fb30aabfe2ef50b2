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
Each reads only the columns it needs in one SELECT: the page stays fast on a history of many thousand reviews.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from fsrs import State
from sqlalchemy import func, select

from mldrill.catalog import Catalog
from mldrill.store import Database, ItemState, Review
from mldrill.study.clock import Clock, day_bounds, day_start, local_day, local_zone, utcnow
from mldrill.study.items import Item
from mldrill.study.plan import introduced_today
from mldrill.study.scheduler import Settings, load_settings

_STATE_COLUMNS = (ItemState.item_id, ItemState.status, ItemState.due)


def _cap(db: Database, items: dict[str, Item], settings: Settings, now: datetime) -> int:
    if not (settings.track and settings.interview_date):
        return settings.new_per_day
    from mldrill.catalog import get_catalog
    from mldrill.study.plan import plan_status

    return plan_status(db, get_catalog(), items, settings=settings, now=now).cap


def compute_stats(db: Database, items: dict[str, Item], *, clock: Clock = utcnow) -> dict[str, object]:
    settings = load_settings(db)
    cards = {i: it for i, it in items.items() if it.kind == "card"}  # new cards and mastery count flashcards
    zone = local_zone(settings.timezone)
    now = clock()
    start, end = day_bounds(now, zone)
    today = local_day(now, zone)
    with db.session() as s:
        states = {i: (status, due) for i, status, due in s.execute(select(*_STATE_COLUMNS))}
        reviewed_today = s.scalar(select(func.count()).select_from(Review).where(Review.reviewed_at >= start)) or 0
        month = s.execute(
            select(Review.rating, Review.prev_state).where(Review.reviewed_at >= now - timedelta(days=30))
        ).all()
        # The streak walks back from the newest review and stops at the first missing day: it reads the streak's
        # reviews, not the whole history.
        streak, expect = 0, today
        for (t,) in s.execute(select(Review.reviewed_at).order_by(Review.reviewed_at.desc())).yield_per(512):
            day = local_day(t, zone)
            if day > today:
                continue
            if streak == 0 and expect == today and day < today:
                expect = today - timedelta(days=1)  # nothing today yet: a streak ending yesterday still counts
            if day == expect:
                streak, expect = streak + 1, expect - timedelta(days=1)
            elif day < expect:
                break
    from mldrill.study.deck import hidden_ids

    hidden = hidden_ids(db, now)  # suspended and buried cards are not due and not new today
    mature = [rating for rating, prev in month if _mature(prev)]
    retention = sum(r > 1 for r in mature) / len(mature) if mature else None
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
        "due_today": sum(1 for i, (_, due) in states.items() if i in items and due < end and i not in hidden),
        "due_katas": sorted(
            i for i, (_, due) in states.items() if i in items and items[i].kind == "kata" and due < end
        ),
        "new_available": sum(1 for i in cards if i not in states and i not in hidden),
        # main cards only: follow-ups never count against the cap, which an interview plan may raise (study/plan.py)
        "new_left_today": max(0, _cap(db, items, settings, now) - introduced_today(db, items, start).main),
        "reviewed_today": reviewed_today,
        "retention_30d": retention,
        "retention_reviews": len(mature),
        "streak_days": streak,
        "areas": {k: {**v, "mastery": v["fluent"] / v["cards"]} for k, v in sorted(areas.items())},
    }


def _mature(prev_state: dict[str, Any] | None) -> bool:
    """Was the item in the Review state before this rating (not new, not in a learning step)?"""
    return prev_state is not None and prev_state.get("state") == State.Review


def _today(db: Database, clock: Clock) -> tuple[date, tzinfo]:
    zone = local_zone(load_settings(db).timezone)
    return local_day(clock(), zone), zone


def reviews_per_day(db: Database, *, days: int = 365, clock: Clock = utcnow) -> dict[date, int]:
    """Local day -> number of reviews, for the `days` days ending today, oldest first."""
    today, zone = _today(db, clock)
    window = [today - timedelta(days=i) for i in reversed(range(days))]
    start, end = day_start(window[0], zone), day_start(today + timedelta(days=1), zone)
    with db.session() as s:
        stamps = s.scalars(select(Review.reviewed_at).where(Review.reviewed_at >= start, Review.reviewed_at < end))
        counts = Counter(local_day(t, zone) for t in stamps)
    return {d: counts[d] for d in window}


def retention_by_week(db: Database, *, weeks: int = 12, clock: Clock = utcnow) -> list[tuple[date, int, int]]:
    """(Monday, retained, total) for the `weeks` calendar weeks ending with this one, oldest first.

    total counts the reviews of items in the Review state; retained those of them rated Hard, Good or Easy.
    """
    today, zone = _today(db, clock)
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)  # the Monday `weeks - 1` weeks back
    mature = Review.prev_state["state"].as_integer() == State.Review  # in SQL: decoding every prev_state is slow
    with db.session() as s:
        rows = s.execute(
            select(Review.reviewed_at, Review.rating).where(Review.reviewed_at >= day_start(first, zone), mature)
        )
        retained, total = [0] * weeks, [0] * weeks
        for t, rating in rows:
            w = (local_day(t, zone) - first).days // 7
            if w < weeks:
                total[w] += 1
                retained[w] += rating > 1
    return [(first + timedelta(weeks=w), retained[w], total[w]) for w in range(weeks)]


def due_forecast(db: Database, items: Mapping[str, Item], *, days: int = 30, clock: Clock = utcnow) -> dict[date, int]:
    """Local day -> number of items (cards and katas) falling due that day, for the next `days` days from today.

    Overdue items count on today. Item states whose item is not in `items` (a deleted deck) are left out.
    """
    today, zone = _today(db, clock)
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
