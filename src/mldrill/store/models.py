"""The user's history, and nothing else: content lives in the package, keyed here by item id.

Tables: item_state (FSRS card state + practice-log fields per item), review (one row per rating, with the state
before it so a rating can be undone), user_card (cards the user imported), setting (key -> JSON value),
kata_attempt and kata_progress (katas), card_report (problems the user reported with a card), card_mark (what the
user set on a card: suspended, buried until, flag, a personal note, the leech tag), mock_session and mock_answer
(mock interviews: study/mock.py).
All times are timezone-aware UTC in Python; stored as naive UTC so SQLite and PostgreSQL agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database. Refuses naive input (an ambiguous local time)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: mldrill stores timezone-aware UTC times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class ItemState(Base):
    __tablename__ = "item_state"

    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # card | kata
    state: Mapped[int] = mapped_column(Integer)  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_review: Mapped[datetime] = mapped_column(UTCDateTime)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # fluent | shaky | unknown (study/status.py)


class Review(Base):
    __tablename__ = "review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    rating: Mapped[int] = mapped_column(Integer)  # 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    session_id: Mapped[str | None] = mapped_column(String(64))
    prev_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # item_state before this review; None = new


class UserCard(Base):
    __tablename__ = "user_card"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # user/<deck>/<slug>
    deck: Mapped[str] = mapped_column(String(100), index=True)
    level: Mapped[str] = mapped_column(String(2))
    question: Mapped[str] = mapped_column(Text)  # stored raw; always rendered sanitized
    answer: Mapped[str] = mapped_column(Text)
    trap: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(500))  # file:line it was imported from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class KataAttempt(Base):
    __tablename__ = "kata_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kata_id: Mapped[str] = mapped_column(String(100), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))  # passed | failed | error | timeout | memory | rejected
    passed_checks: Mapped[int] = mapped_column(Integer)
    total_checks: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float] = mapped_column(Float)
    verdict: Mapped[dict[str, Any]] = mapped_column(JSON)  # the whole Verdict, for the history view
    source: Mapped[str] = mapped_column(Text)


class KataProgress(Base):
    __tablename__ = "kata_progress"

    kata_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    hints_shown: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when `kata start` wrote the workspace
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first passing attempt


class CardReport(Base):
    """ "Report a problem with this card": what the user saw (content version) and what they say about it."""

    __tablename__ = "card_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(String(200), index=True)
    note: Mapped[str] = mapped_column(Text)
    app_version: Mapped[str] = mapped_column(String(40))  # mldrill.__version__ when reported
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the card as shown (study/reports.py)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LabPrediction(Base):
    """The learner's "predict first" answer to a lab, committed before the figure is shown (the first one is kept)."""

    __tablename__ = "lab_prediction"

    lab_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    choice: Mapped[int] = mapped_column(Integer)  # index into the lab's PREDICT.choices
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CardMark(Base):
    """The user's own marks on a card (study/deck.py); a card without a row has none. Kept apart from item_state,
    which is FSRS's and is rewritten by every rating and undo."""

    __tablename__ = "card_mark"

    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    buried_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # out of every queue until then
    flag: Mapped[int] = mapped_column(Integer, default=0)  # Anki's flag colours: 0 none, 1 red ... 7 purple
    note: Mapped[str] = mapped_column(Text, default="")  # shown under the answer
    leech: Mapped[bool] = mapped_column(Boolean, default=False)  # tagged when the lapses reached leech_threshold
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MockSession(Base):
    """A mock interview (study/mock.py): what was chosen, the planned cards and kata, and how the kata went. Its
    answers are rows of mock_answer; the session's current step is computed from them, so a restart loses nothing."""

    __tablename__ = "mock_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer)  # 15 | 30 | 45
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)  # {track, areas, levels, seed}
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)  # MockPlan.to_dict(): main cards, follow-ups, kata, budget
    kata_id: Mapped[str | None] = mapped_column(String(100))
    kata_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kata_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kata_status: Mapped[str | None] = mapped_column(String(16))  # the last verdict's status; None: not checked
    kata_checks: Mapped[int] = mapped_column(Integer, default=0)  # how many times it was checked
    kata_source: Mapped[str] = mapped_column(Text, default="")  # the draft (the web editor saves it as you type)


class MockAnswer(Base):
    """One card of a mock: when it was shown, the typed answer, the key points ticked, the trap, the rating."""

    __tablename__ = "mock_answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mock_id: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer)  # 0, 1, ... in the order asked
    item_id: Mapped[str] = mapped_column(String(200))
    followup_of: Mapped[str | None] = mapped_column(String(200))  # the card whose good answer brought it in
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # ticks submitted (and the card rated)
    answer: Mapped[str] = mapped_column(Text, default="")
    key_points: Mapped[list[str]] = mapped_column(JSON, default=list)  # as shown (content may change later)
    suggested: Mapped[list[bool] | None] = mapped_column(JSON)  # the offline answer check's marks; None: none
    suggested_trap: Mapped[bool | None] = mapped_column(Boolean)
    ticks: Mapped[list[bool] | None] = mapped_column(JSON)  # the learner's marks, one per key point
    trap_fell: Mapped[bool | None] = mapped_column(Boolean)
    rating: Mapped[int | None] = mapped_column(Integer)  # the FSRS rating given (1-4)
    review_id: Mapped[int | None] = mapped_column(Integer)  # its row in `review`
