"""Numbers for `mldrill stats`: due today, reviewed today, retention, streak, per-area mastery.

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
from datetime import date, timedelta, tzinfo
from typing import Any

from fsrs import State
from sqlalchemy import func, select

from mldrill.catalog import Catalog
from mldrill.store import Database, ItemState, Review
from mldrill.study.clock import Clock, day_bounds, day_start, local_day, local_zone, utcnow
from mldrill.study.items import Item
from mldrill.study.scheduler import load_settings


def compute_stats(db: Database, items: dict[str, Item], *, clock: Clock = utcnow) -> dict[str, object]:
    settings = load_settings(db)
    cards = {i: it for i, it in items.items() if it.kind == "card"}  # new cards and mastery count flashcards
    zone = local_zone(settings.timezone)
    now = clock()
    start, end = day_bounds(now, zone)
    with db.session() as s:
        states = {r.item_id: r for r in s.scalars(select(ItemState))}
        reviewed_today = s.scalar(select(func.count()).select_from(Review).where(Review.reviewed_at >= start)) or 0
        month = s.execute(
            select(Review.rating, Review.prev_state).where(Review.reviewed_at >= now - timedelta(days=30))
        ).all()
        days = {local_day(t, zone) for (t,) in s.execute(select(Review.reviewed_at))}
        new_today = s.scalar(select(func.count()).select_from(ItemState).where(ItemState.first_review >= start)) or 0
    mature = [rating for rating, prev in month if _mature(prev)]
    retention = sum(r > 1 for r in mature) / len(mature) if mature else None
    today = local_day(now, zone)
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak, day = streak + 1, day - timedelta(days=1)
    areas: dict[str, dict[str, int]] = defaultdict(
        lambda: {"cards": 0, "seen": 0, "fluent": 0, "shaky": 0, "unknown": 0}
    )
    for it in cards.values():
        a = areas[it.area]
        a["cards"] += 1
        st = states.get(it.id)
        if st is not None:
            a["seen"] += 1
            a[st.status] += 1
    return {
        "due_today": sum(1 for i, r in states.items() if i in items and r.due < end),
        "new_available": sum(1 for i in cards if i not in states),
        "new_left_today": max(0, settings.new_per_day - new_today),
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


def topic_progress(db: Database, cat: Catalog, *, clock: Clock = utcnow) -> dict[str, dict[str, float]]:
    """Per topic: cards, seen, due now and mastery (share of cards fluent)."""
    now = clock()
    with db.session() as s:
        states = {r.item_id: r for r in s.scalars(select(ItemState))}
    out: dict[str, dict[str, float]] = {}
    for t in cat.topics.values():
        seen = [states[c.id] for c in t.cards if c.id in states]
        fluent = sum(r.status == "fluent" for r in seen)
        n = len(t.cards)
        out[t.id] = {
            "cards": n,
            "seen": len(seen),
            "due": sum(r.due <= now for r in seen),
            "mastery": fluent / n if n else 0.0,
        }
    return out
