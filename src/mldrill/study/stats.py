"""Numbers for `mldrill stats`: due today, reviewed today, retention, streak, per-area mastery.

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
    mature = [rating for rating, prev in month if prev and prev.get("state") == State.Review]
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
