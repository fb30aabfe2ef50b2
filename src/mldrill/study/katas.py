"""Kata attempts, and how a solved kata joins spaced repetition.

Every check is stored (verdict and source). A kata is reviewed by re-solving it; its FSRS rating is proposed from
the attempts since its last review (a "round"):
- passed with no failing attempt in the round: Good, or Easy when it was passed within 3 minutes of starting it;
- passed after failing attempts in the round: Hard (Again is reserved for not solving it: see below);
- a failing attempt is stored but rates nothing — you keep trying, and the rating comes with the pass.
A first pass brings the kata into the schedule; a later pass rates it only when it is due (solving it again early
is extra practice and leaves the schedule alone). Katas skip FSRS's minute-long learning steps (re-solving a kata
ten minutes later tests nothing): a rating goes straight to a review interval, so a solved kata's first review is
at least a day later.

A "real" attempt is one whose source differs from the untouched starter: checking the starter as it came does not
open the reference solution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from fsrs import Scheduler
from sqlalchemy import func, select

from mldrill.catalog import get_catalog
from mldrill.catalog.katas import Kata
from mldrill.grader.verdict import Verdict
from mldrill.store import Database, ItemState, KataAttempt, KataProgress, Review
from mldrill.study.clock import utcnow
from mldrill.study.items import Item, kata_item_id
from mldrill.study.scheduler import Settings, load_settings
from mldrill.study.session import record_review

QUICK = timedelta(minutes=3)


@dataclass(frozen=True)
class AttemptResult:
    attempt_id: int
    attempts: int  # in this kata's history
    rating: int | None  # the FSRS rating applied, if any
    due: datetime | None


def propose_rating(*, failures_in_round: int, solve_time: timedelta | None) -> int:
    if failures_in_round:
        return 2
    return 4 if solve_time is not None and solve_time <= QUICK else 3


def kata_scheduler(settings: Settings) -> Scheduler:
    """FSRS for katas: no (re)learning steps, so every rating schedules in whole days (at least one)."""
    return Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=settings.fuzz,
    )


def is_real_attempt(kata: Kata, source: str) -> bool:
    """Not the starter as it came (whitespace at the ends of lines and of the file aside)."""

    def norm(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip().splitlines()]

    return norm(source) != norm(kata.starter())


def real_attempts(db: Database, kata: Kata) -> list[KataAttempt]:
    return [a for a in attempts_of(db, kata.id) if is_real_attempt(kata, a.source or "")]


def _item(kata: Kata) -> Item:
    return Item(kata_item_id(kata.id), "kata", kata.spec.topic, "", kata.spec.level, kata.spec.title, "", "")


def record_attempt(
    db: Database, kata: Kata, verdict: Verdict, source: str, *, now: datetime | None = None
) -> AttemptResult:
    now = now or utcnow()
    item_id = kata_item_id(kata.id)
    with db.session() as s:
        attempt = KataAttempt(
            kata_id=kata.id,
            submitted_at=now,
            status=verdict.status,
            passed_checks=sum(c.passed for c in verdict.checks),
            total_checks=len(verdict.checks),
            duration_s=verdict.total_s,
            verdict=verdict.to_dict(),
            source=source,
        )
        s.add(attempt)
        s.flush()
        attempt_id = attempt.id
        state = s.get(ItemState, item_id)
        last_review = s.scalar(select(Review.reviewed_at).where(Review.item_id == item_id).order_by(Review.id.desc()))
        round_start = last_review or datetime.min.replace(tzinfo=now.tzinfo)
        previous = s.scalars(
            select(KataAttempt).where(KataAttempt.kata_id == kata.id, KataAttempt.id != attempt_id)
        ).all()
        count = len(previous) + 1
        progress = s.get(KataProgress, kata.id) or KataProgress(kata_id=kata.id, hints_shown=0)
        if verdict.status == "passed" and progress.solved_at is None:
            progress.solved_at = now
        s.merge(progress)
    in_round = [a for a in previous if a.submitted_at > round_start]
    due_now = state is None or state.due <= now
    if verdict.status != "passed" or not due_now:
        return AttemptResult(attempt_id, count, None, state.due if state else None)
    started = progress.started_at if progress.started_at and progress.started_at > round_start else None
    first = min([a.submitted_at for a in in_round], default=now)
    solve_time = now - (started or first)
    rating = propose_rating(failures_in_round=sum(a.status != "passed" for a in in_round), solve_time=solve_time)
    # the answer time of a kata review is its solve time (the fit uses flashcards only; the stats read both)
    duration_ms = min(int(solve_time.total_seconds() * 1000), 86_400_000)
    _, new = record_review(
        db, kata_scheduler(load_settings(db)), _item(kata), rating, now=now, duration_ms=max(0, duration_ms)
    )
    return AttemptResult(attempt_id, count, rating, new.due)


def workspace_path(kata: Kata) -> Path:
    """Where the user's solution lives: `kata start` writes the starter there, the web editor autosaves there."""
    from platformdirs import user_data_path

    return user_data_path("mldrill", appauthor=False) / "katas" / kata.id / f"{kata.spec.entry}.py"


def load_draft(kata: Kata) -> str:
    path = workspace_path(kata)
    return path.read_text(encoding="utf-8") if path.is_file() else kata.starter()


def save_draft(kata: Kata, source: str) -> None:
    from mldrill.store.backup import write_atomic

    write_atomic(workspace_path(kata), source)


def hints_shown(db: Database, kata: Kata) -> list[str]:
    with db.session() as s:
        progress = s.get(KataProgress, kata.id)
        return list(kata.spec.hints[: progress.hints_shown if progress else 0])


def mark_started(db: Database, kata_id: str, *, now: datetime | None = None) -> None:
    with db.session() as s:
        progress = s.get(KataProgress, kata_id) or KataProgress(kata_id=kata_id, hints_shown=0)
        progress.started_at = now or utcnow()
        s.merge(progress)


def next_hint(db: Database, kata: Kata) -> tuple[int, str] | None:
    """The next hint (1-based number, text), remembering how many were shown; None when all are out."""
    with db.session() as s:
        progress = s.get(KataProgress, kata.id) or KataProgress(kata_id=kata.id, hints_shown=0)
        if progress.hints_shown >= len(kata.spec.hints):
            return None
        progress.hints_shown += 1
        s.merge(progress)
        return progress.hints_shown, kata.spec.hints[progress.hints_shown - 1]


@dataclass(frozen=True)
class KataStatus:
    kata: Kata
    attempts: int
    solved: bool
    due: datetime | None  # next review; None until first solved


def kata_statuses(db: Database, katas: Iterable[Kata]) -> list[KataStatus]:
    """Each kata's attempts, whether solved and its next review, in three queries (the kata lists, web and CLI)."""
    with db.session() as s:
        attempts = dict(s.execute(select(KataAttempt.kata_id, func.count()).group_by(KataAttempt.kata_id)).all())
        solved = {p.kata_id for p in s.scalars(select(KataProgress).where(KataProgress.solved_at.is_not(None)))}
        due = {r.item_id: r.due for r in s.scalars(select(ItemState).where(ItemState.kind == "kata"))}
    return [KataStatus(k, attempts.get(k.id, 0), k.id in solved, due.get(kata_item_id(k.id))) for k in katas]


SHOW = ("unsolved", "solved", "due")  # the progress filters of the kata lists ("" or anything else: all)


def kata_area(kata: Kata) -> str:
    """The SYLLABUS area of the kata's topic ("" if the topic is not in the catalog)."""
    topic = get_catalog().topics.get(kata.spec.topic)
    return topic.area if topic else ""


def select_katas(
    statuses: Iterable[KataStatus],
    *,
    level: str = "",
    framework: str = "",
    area: str = "",
    show: str = "",
    now: datetime,
) -> list[KataStatus]:
    """The kata lists' filters (web and CLI): an empty value keeps everything; `show` is unsolved, solved or due
    (solved and due for review at `now`)."""
    shown = {
        "unsolved": lambda st: not st.solved,
        "solved": lambda st: st.solved,
        "due": lambda st: st.due is not None and st.due <= now,
    }.get(show, lambda st: True)
    return [
        st
        for st in statuses
        if (not level or st.kata.spec.level == level)
        and (not framework or st.kata.spec.framework == framework)
        and (not area or kata_area(st.kata) == area)
        and shown(st)
    ]


def attempts_of(db: Database, kata_id: str) -> list[KataAttempt]:
    with db.session() as s:
        return list(s.scalars(select(KataAttempt).where(KataAttempt.kata_id == kata_id).order_by(KataAttempt.id)))
