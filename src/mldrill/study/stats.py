"""Numbers for `mldrill stats`: due today (and which katas), reviewed today, retention, streak, per-area mastery.

- retention: the share of reviews of cards in the Review state (not learning steps) rated Hard, Good or Easy
  rather than Again, over the last 30 days — Anki's "true retention"; None when there is no such review yet.
- streak: consecutive local days with at least one review, ending today (or yesterday, if today has none yet).
- mastery of an area: the share of its cards whose practice-log status is fluent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from fsrs import State
from sqlalchemy import func, select

from mldrill.catalog import Catalog
from mldrill.store import Database, ItemState, Review
from mldrill.study.clock import Clock, day_bounds, local_day, local_zone, utcnow
from mldrill.study.items import Item
from mldrill.study.scheduler import load_settings

_STATE_COLUMNS = (ItemState.item_id, ItemState.status, ItemState.due)


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
        new_today = s.scalar(select(func.count()).select_from(ItemState).where(ItemState.first_review >= start)) or 0
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
    mature = [rating for rating, prev in month if prev and prev.get("state") == State.Review]
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
        "due_today": sum(1 for i, (_, due) in states.items() if i in items and due < end),
        "due_katas": sorted(
            i for i, (_, due) in states.items() if i in items and items[i].kind == "kata" and due < end
        ),
        "new_available": sum(1 for i in cards if i not in states),
        "new_left_today": max(0, settings.new_per_day - new_today),
        "reviewed_today": reviewed_today,
        "retention_30d": retention,
        "retention_reviews": len(mature),
        "streak_days": streak,
        "areas": {k: {**v, "mastery": v["fluent"] / v["cards"]} for k, v in sorted(areas.items())},
    }


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
