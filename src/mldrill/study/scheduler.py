"""Scheduling with py-fsrs (never a home-made scheduler): the glue between fsrs.Card and our item_state row.

Settings (table `setting`): desired_retention (0.9), new_per_day (20), fuzz (true), learn_ahead_minutes (20),
timezone (system), leech_threshold (8 lapses), leech_action (suspend | tag; study/deck.py), learning_steps (minutes;
[1, 10] as in Anki and py-fsrs), fsrs_weights (null: py-fsrs's defaults; `mldrill fsrs fit --apply` stores weights
fitted to the learner's reviews, study/fit.py), and the study plan and page settings that the scheduler does not
read: track, interview_date, plan_start (study/plan.py), theme.
Every value is checked by store/backup_check.py's `setting_checks` (`save_settings` below, `mldrill config`,
/settings and restore all use it).
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
    learning_steps: tuple[int, ...] = (1, 10)
    fsrs_weights: tuple[float, ...] | None = None
    track: str | None = None
    interview_date: str | None = None  # YYYY-MM-DD
    plan_start: str | None = None  # the local day the interview date was set (study/plan.py)
    theme: str = "auto"  # auto (the system's), light, dark


_TUPLES = ("learning_steps", "fsrs_weights")


def load_settings(db: Database) -> Settings:
    with db.session() as s:
        stored = {row.key: row.value for row in s.query(Setting).all()}
    known = {k: v for k, v in stored.items() if k in Settings.__dataclass_fields__}
    for k in _TUPLES:
        if isinstance(known.get(k), list):
            known[k] = tuple(known[k])
    return Settings(**known)


def check_setting(key: str, value: Any) -> None:
    """ValueError saying what is wrong with `value` for `key` (the rules of store/backup_check.py)."""
    from mldrill.store.backup_check import setting_checks

    checks = setting_checks()
    if key not in checks:
        raise KeyError(f"unknown setting '{key}' (known: {', '.join(checks)})")
    checks[key](list(value) if isinstance(value, tuple) else value)


def save_settings(db: Database, changes: dict[str, Any]) -> None:
    """Check every value first (ValueError/KeyError naming the setting), then store them all in one transaction.

    Setting an interview date also sets plan_start to today (the day the plan begins) unless given."""
    from mldrill.study.clock import local_day, local_zone, utcnow

    for key, value in changes.items():
        try:
            check_setting(key, value)
        except ValueError as e:
            raise ValueError(f"{key}: {e}") from None
    changes = dict(changes)
    if changes.get("interview_date") and "plan_start" not in changes:
        zone = changes.get("timezone", load_settings(db).timezone)
        changes["plan_start"] = local_day(utcnow(), local_zone(zone)).isoformat()
    with db.session() as s:
        for key, value in changes.items():
            s.merge(Setting(key=key, value=list(value) if isinstance(value, tuple) else value))


def save_setting(db: Database, key: str, value: Any) -> None:
    if key not in Settings.__dataclass_fields__:
        raise KeyError(f"unknown setting '{key}' (known: {', '.join(Settings.__dataclass_fields__)})")
    with db.session() as s:
        s.merge(Setting(key=key, value=value))


def make_scheduler(settings: Settings) -> Scheduler:
    kw: dict[str, Any] = {}
    if settings.fsrs_weights is not None:
        kw["parameters"] = tuple(settings.fsrs_weights)
    return Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=tuple(timedelta(minutes=m) for m in settings.learning_steps),
        enable_fuzzing=settings.fuzz,
        **kw,
    )


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
