"""Scheduling with py-fsrs (never a home-made scheduler): the glue between fsrs.Card and our item_state row.

Settings (table `setting`): desired_retention (0.9), new_per_day (20), fuzz (true), learn_ahead_minutes (20),
timezone (system),
leech_threshold (8), leech_action (suspend | tag). Learning steps are py-fsrs's defaults (1 min, 10 min), as in Anki.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from mldrill.store import Database, ItemState, Setting

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.9
    new_per_day: int = 20
    fuzz: bool = True
    learn_ahead_minutes: int = 20
    timezone: str | None = None
    leech_threshold: int = 8  # lapses that make a card a leech (study/deck.py)
    leech_action: str = "suspend"  # suspend | tag


def load_settings(db: Database) -> Settings:
    with db.session() as s:
        stored = {row.key: row.value for row in s.query(Setting).all()}
    known = {k: v for k, v in stored.items() if k in Settings.__dataclass_fields__}
    return Settings(**known)


def save_setting(db: Database, key: str, value: Any) -> None:
    if key not in Settings.__dataclass_fields__:
        raise KeyError(f"unknown setting '{key}' (known: {', '.join(Settings.__dataclass_fields__)})")
    with db.session() as s:
        s.merge(Setting(key=key, value=value))


def make_scheduler(settings: Settings) -> Scheduler:
    return Scheduler(desired_retention=settings.desired_retention, enable_fuzzing=settings.fuzz)


def to_fsrs(row: ItemState | None) -> FsrsCard:
    if row is None:
        return FsrsCard(card_id=0)
    return FsrsCard(
        card_id=0,
        state=State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
    )


def snapshot(row: ItemState) -> dict[str, Any]:
    """A JSON-able copy of an item_state row (kept on each review so the review can be undone)."""
    d = {c.name: getattr(row, c.name) for c in ItemState.__table__.columns}
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in d.items()}


def from_snapshot(d: dict[str, Any]) -> ItemState:
    times = {"due", "last_review", "first_review"}
    return ItemState(**{k: (datetime.fromisoformat(v) if k in times and v else v) for k, v in d.items()})


def preview_intervals(scheduler: Scheduler, row: ItemState | None, now: datetime) -> dict[int, timedelta]:
    """What each rating would schedule (Anki shows these on its buttons). Fuzz off so the preview is stable."""
    card = to_fsrs(row)
    fuzz, scheduler.enable_fuzzing = scheduler.enable_fuzzing, False
    try:
        return {r: scheduler.review_card(card, Rating(r), now)[0].due - now for r in RATING_NAMES}
    finally:
        scheduler.enable_fuzzing = fuzz


def apply_rating(
    scheduler: Scheduler, row: ItemState | None, *, item_id: str, kind: str, rating: int, now: datetime
) -> ItemState:
    """The item's next state after `rating` at `now` (a new row for a first review)."""
    if rating not in RATING_NAMES:
        raise ValueError(f"rating must be 1-4, got {rating!r}")
    card, _ = scheduler.review_card(to_fsrs(row), Rating(rating), now)
    lapse = row is not None and row.state == State.Review and rating == Rating.Again
    return ItemState(
        item_id=item_id,
        kind=kind,
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        first_review=row.first_review if row is not None else now,
        reps=(row.reps if row is not None else 0) + 1,
        lapses=(row.lapses if row is not None else 0) + int(lapse),
        status="unknown",  # set by the caller from the rating history
    )


def format_interval(delta: timedelta) -> str:
    secs = max(0, delta.total_seconds())
    if secs < 3600:
        return f"{max(1, round(secs / 60))}m"
    if secs < 86400:
        return f"{round(secs / 3600)}h"
    days = secs / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
