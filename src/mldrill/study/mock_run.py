"""A mock interview in the database: start it, show its current step, take answers, ticks and the kata's checks.

The logic is study/mock.py's; this layer reads the history it needs and stores every step as it happens, so the
session's state is the database's (a reload, another process or a restarted server carries on where it was):
- a card is shown when its mock_answer row is created (by the start, or by the ticks of the card before), so a
  GET never changes anything and the answer time runs from that moment;
- the answer is stored when sent, with the offline answer check's suggested marks (study/answer_check.py, when the
  model package is installed);
- the ticks rate the card through the drill's path (study/session.py's record_review: a normal review in the log,
  session id "mock-<id>"), then the next step is created: a follow-up, the next card, the kata, or the end;
- the kata's checks are kata attempts as on the kata page (study/katas.py); a pass ends the mock; giving up (or
  ending the mock) without a pass rates the kata Again, so the miss comes back in the queue.
A step sent twice (a double click, a resent form) names a card that is no longer current and changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from mldrill.catalog import Catalog
from mldrill.catalog.areas import AREA_BY_ID
from mldrill.store import Database, ItemState, KataAttempt, MockAnswer, MockSession, Review
from mldrill.study import answer_check
from mldrill.study.items import USER_AREA, Item, kata_item_id
from mldrill.study.mock import History, MockPlan, next_card, plan_mock, rating_from_ticks
from mldrill.study.mock_report import CardResult, KataResult, Report
from mldrill.study.plan import LEVEL_RANK
from mldrill.study.scheduler import load_settings, make_scheduler
from mldrill.study.session import record_review
from mldrill.study.tracks import get_tracks

MAX_ANSWER = 20_000  # characters of a typed answer


class MockError(ValueError):
    pass


@dataclass(frozen=True)
class MockChoice:
    minutes: int = 30
    track: str | None = None
    areas: tuple[str, ...] = ()
    levels: tuple[str, ...] = ("L1", "L2", "L3")
    seed: int | None = None

    def describe(self, cat: Catalog) -> str:
        if self.track:
            where = f"track {get_tracks(cat)[self.track].title}"
        elif self.areas:
            where = "areas " + ", ".join(AREA_BY_ID[a].title if a in AREA_BY_ID else a for a in self.areas)
        else:
            where = "all areas"
        return f"{where}, levels {'/'.join(self.levels)}"


def history(db: Database, now: datetime) -> History:
    """Status per seen item; last seen = the latest of its reviews, mock showings and kata attempts."""
    from mldrill.study.deck import hidden_ids

    last: dict[str, datetime] = {}

    def see(i: str, t: datetime | None) -> None:
        if t is not None and (i not in last or t > last[i]):
            last[i] = t

    with db.session() as s:
        status = {i: st for i, st in s.execute(select(ItemState.item_id, ItemState.status))}
        for i, t in s.execute(select(Review.item_id, func.max(Review.reviewed_at)).group_by(Review.item_id)):
            see(i, t)
        for i, t in s.execute(select(MockAnswer.item_id, func.max(MockAnswer.shown_at)).group_by(MockAnswer.item_id)):
            see(i, t)
        for kid, started in s.execute(select(MockSession.kata_id, MockSession.kata_started_at)):
            if kid:
                see(kata_item_id(kid), started)
        for k, t in s.execute(
            select(KataAttempt.kata_id, func.max(KataAttempt.submitted_at)).group_by(KataAttempt.kata_id)
        ):
            see(kata_item_id(k), t)
    return History(status, last, frozenset(hidden_ids(db, now)))


def check_choice(cat: Catalog, choice: MockChoice) -> None:
    from mldrill.catalog.suggest import did_you_mean
    from mldrill.study.mock import MINUTES

    if choice.minutes not in MINUTES:
        raise MockError(f"a mock lasts {', '.join(map(str, MINUTES))} minutes, not {choice.minutes}")
    if choice.track and choice.track not in (tracks := get_tracks(cat)):
        raise MockError(f"no track '{choice.track}'{did_you_mean(choice.track, tracks)}; tracks: {', '.join(tracks)}")
    for a in choice.areas:
        if a not in AREA_BY_ID and a != USER_AREA:
            raise MockError(f"no area '{a}'{did_you_mean(a, AREA_BY_ID)}; see `mldrill topics`")
    bad = [lv for lv in choice.levels if lv not in LEVEL_RANK]
    if bad or not choice.levels:
        raise MockError(f"levels must be among L1, L2, L3, got {', '.join(choice.levels) or 'none'}")


def start_mock(db: Database, cat: Catalog, items: dict[str, Item], choice: MockChoice, *, now: datetime) -> int:
    """Plan and store a mock and show its first card (or its kata); MockError when the choice is wrong or no card
    is left to ask."""
    from mldrill.catalog.katas import get_katas

    check_choice(cat, choice)
    track = get_tracks(cat).get(choice.track) if choice.track else None
    areas = set(choice.areas)

    def covers(it: Item) -> bool:
        if track is not None:
            return track.covers(it)
        return not areas or it.area in areas

    katas = get_katas()
    usable = {
        i: it
        for i, it in items.items()
        if it.kind == "card"
        or (i.removeprefix("kata/") in katas and not katas[i.removeprefix("kata/")].missing_requirement())
    }
    seed = choice.seed if choice.seed is not None else random.SystemRandom().randrange(2**31)
    plan = plan_mock(
        usable,
        history(db, now),
        now=now,
        minutes=choice.minutes,
        covers=covers,
        levels=choice.levels,
        rng=random.Random(seed),
    )
    if not plan.main:
        raise MockError(
            "no card left to ask: every card of this choice was seen in the last day (or is suspended); "
            "choose more areas or levels, or come back tomorrow"
        )
    scope = {"track": choice.track, "areas": list(choice.areas), "levels": list(choice.levels), "seed": seed}
    scope["describe"] = choice.describe(cat)
    with db.session() as s:
        m = MockSession(started_at=now, minutes=choice.minutes, scope=scope, plan=plan.to_dict(), kata_id=plan.kata)
        m.kata_checks, m.kata_source = 0, ""
        s.add(m)
        s.flush()
        mock_id = m.id
    _advance(db, cat, items, mock_id, now=now)
    return mock_id


def get_mock(db: Database, mock_id: int) -> MockSession:
    if not 0 < mock_id < 2**63:  # SQLite's integers: a larger id is an OverflowError in the driver, not "no mock"
        raise MockError(f"no mock interview #{mock_id}; see `mldrill mock list`")
    with db.session() as s:
        m = s.get(MockSession, mock_id)
    if m is None:
        raise MockError(f"no mock interview #{mock_id}; see `mldrill mock list`")
    return m


def answers(db: Database, mock_id: int) -> list[MockAnswer]:
    with db.session() as s:
        return list(s.scalars(select(MockAnswer).where(MockAnswer.mock_id == mock_id).order_by(MockAnswer.position)))


def key_points(cat: Catalog, item_id: str) -> list[str]:
    card = cat.cards.get(item_id)
    return list(card.key_points) if card is not None else []


def _advance(db: Database, cat: Catalog, items: dict[str, Item], mock_id: int, *, now: datetime) -> None:
    """Create the next step: the next card (shown now), else the kata (started now), else the end."""
    from mldrill.study.mock import Asked

    m = get_mock(db, mock_id)
    plan = MockPlan.from_dict(m.plan)
    rows = answers(db, mock_id)
    asked = [Asked(r.item_id, r.rating, r.followup_of) for r in rows]
    nxt = next_card(plan, asked, (now - m.started_at).total_seconds())
    while nxt is not None and nxt[0] not in items:  # content removed since the plan: skip it
        asked.append(Asked(nxt[0], 1, nxt[1]))
        plan.main = [i for i in plan.main if i != nxt[0]]
        nxt = next_card(plan, asked, (now - m.started_at).total_seconds())
    started = ""
    with db.session() as s:
        if nxt is not None:
            s.add(
                MockAnswer(
                    mock_id=mock_id,
                    position=len(rows),
                    item_id=nxt[0],
                    followup_of=nxt[1],
                    shown_at=now,
                    answer="",
                    key_points=key_points(cat, nxt[0]),
                )
            )
            return
        row = s.get(MockSession, mock_id)
        assert row is not None
        if row.kata_id and row.kata_started_at is None:
            from mldrill.catalog.katas import get_katas

            row.kata_started_at = now
            row.kata_source = get_katas()[row.kata_id].starter()
            started = row.kata_id
        elif row.finished_at is None and (not row.kata_id or row.kata_finished_at is not None):
            row.finished_at = now
    if started:  # the kata's solve time (and so its proposed rating, study/katas.py) runs from now
        from mldrill.study.katas import mark_started

        mark_started(db, started, now=now)


@dataclass(frozen=True)
class Current:
    """Where a mock stands: phase "answer" or "review" (of `row`), "kata", or "done"."""

    mock: MockSession
    phase: str
    row: MockAnswer | None
    position: int  # cards asked so far, this one included
    plan: MockPlan


def current(db: Database, mock_id: int) -> Current:
    m = get_mock(db, mock_id)
    rows = answers(db, mock_id)
    plan = MockPlan.from_dict(m.plan)
    if m.finished_at is not None:  # ended (maybe early, with a card left unrated)
        return Current(m, "done", None, len(rows), plan)
    if rows and rows[-1].reviewed_at is None:
        phase = "answer" if rows[-1].answered_at is None else "review"
        return Current(m, phase, rows[-1], len(rows), plan)
    if m.kata_id and m.kata_started_at is not None and m.kata_finished_at is None:
        return Current(m, "kata", None, len(rows), plan)
    return Current(m, "kata", None, len(rows), plan)


def submit_answer(db: Database, mock_id: int, item_id: str, text: str, *, now: datetime, trap: str = "") -> bool:
    """Store the typed answer of the current card (False: `item_id` is not waiting for an answer; nothing done)."""
    if len(text) > MAX_ANSWER:
        raise MockError(f"the answer is over {MAX_ANSWER} characters")
    cur = current(db, mock_id)
    if cur.phase != "answer" or cur.row is None or cur.row.item_id != item_id:
        return False
    suggestion = suggest(text, cur.row.key_points, trap)
    with db.session() as s:
        row = s.get(MockAnswer, cur.row.id)
        assert row is not None
        row.answer, row.answered_at = text, now
        if suggestion is not None:
            row.suggested = [bool(h) for h in suggestion.hits]
            row.suggested_trap = bool(suggestion.states_trap)
    return True


def suggest(answer: str, points: Sequence[str], trap: str) -> answer_check.Suggestion | None:
    """The offline answer check's suggestion (study/answer_check.py), or None when its model package is not
    installed or the answer is empty: the mock works the same without it."""
    if not answer.strip() or not points or not answer_check.available():
        return None
    got = answer_check.suggest(answer, list(points), trap)
    return got if got is not None and len(got.hits) == len(points) else None


def submit_ticks(
    db: Database,
    cat: Catalog,
    items: dict[str, Item],
    mock_id: int,
    item_id: str,
    *,
    ticks: Sequence[bool],
    trap_fell: bool,
    rating: int | None,
    now: datetime,
) -> int | None:
    """Rate the current card from its ticks (or `rating`, the learner's own) and show the next step. Returns the
    rating given, or None when `item_id` is not the card under review (nothing done)."""
    cur = current(db, mock_id)
    if cur.phase != "review" or cur.row is None or cur.row.item_id != item_id:
        return None
    n = len(cur.row.key_points)
    if len(ticks) != n:
        raise MockError(f"{item_id} has {n} key points, got {len(ticks)} ticks")
    if rating is None:
        if not n:
            raise MockError(f"{item_id} has no key points yet: rate your answer yourself (1-4)")
        rating = rating_from_ticks(ticks, trap_fell)
    if rating not in (1, 2, 3, 4):
        raise MockError(f"a rating is 1-4, got {rating}")
    item = items.get(item_id)
    if item is None:
        raise MockError(f"{item_id} is no longer in the catalog")
    answer_ms = None
    if cur.row.answered_at is not None:
        answer_ms = min(int((cur.row.answered_at - cur.row.shown_at).total_seconds() * 1000), 86_400_000)
    scheduler = make_scheduler(load_settings(db))
    review_id, _ = record_review(
        db, scheduler, item, rating, now=now, duration_ms=answer_ms, session_id=f"mock-{mock_id}"
    )
    with db.session() as s:
        row = s.get(MockAnswer, cur.row.id)
        assert row is not None
        row.ticks, row.trap_fell, row.rating = [bool(t) for t in ticks], trap_fell, rating
        row.reviewed_at, row.review_id = now, review_id
    _advance(db, cat, items, mock_id, now=now)
    return rating


def save_kata_source(db: Database, mock_id: int, source: str) -> None:
    with db.session() as s:
        m = s.get(MockSession, mock_id)
        if m is not None and m.kata_finished_at is None:
            m.kata_source = source


def kata_checked(db: Database, mock_id: int, verdict: Any, source: str, *, now: datetime) -> None:
    """A check of the mock's kata: an attempt as on the kata page; a pass ends the kata (and the mock)."""
    from mldrill.catalog.katas import get_katas
    from mldrill.study.katas import record_attempt

    m = get_mock(db, mock_id)
    if not m.kata_id or m.kata_finished_at is not None:
        raise MockError("this mock's kata is over")
    record_attempt(db, get_katas()[m.kata_id], verdict, source, now=now)
    with db.session() as s:
        row = s.get(MockSession, mock_id)
        assert row is not None
        row.kata_source, row.kata_status, row.kata_checks = source, verdict.status, row.kata_checks + 1
        if verdict.status == "passed":
            row.kata_finished_at = row.finished_at = now


def end_kata(db: Database, mock_id: int, *, now: datetime) -> None:
    """Stop the kata without a pass (give up, or time is out): the kata is rated Again, and the mock ends."""
    from mldrill.study.katas import kata_scheduler

    m = get_mock(db, mock_id)
    if not m.kata_id or m.kata_finished_at is not None:
        return
    item = Item(kata_item_id(m.kata_id), "kata", "", "", "", "", "", "")
    record_review(db, kata_scheduler(load_settings(db)), item, 1, now=now, session_id=f"mock-{mock_id}")
    with db.session() as s:
        row = s.get(MockSession, mock_id)
        assert row is not None
        row.kata_finished_at = row.finished_at = now
        row.kata_status = row.kata_status or "not checked"


def end_mock(db: Database, mock_id: int, *, now: datetime) -> None:
    """End a mock early: the card on screen is left unrated (and unscored), the kata is given up."""
    m = get_mock(db, mock_id)
    if m.finished_at is not None:
        return
    if m.kata_id and m.kata_started_at is not None:
        end_kata(db, mock_id, now=now)
    with db.session() as s:
        row = s.get(MockSession, mock_id)
        assert row is not None
        row.finished_at = row.finished_at or now


def report(db: Database, cat: Catalog, items: dict[str, Item], mock_id: int, *, now: datetime) -> Report:
    from mldrill.catalog.katas import get_katas

    m = get_mock(db, mock_id)
    cards = []
    for r in answers(db, mock_id):
        it = items.get(r.item_id)
        answer_s = (r.answered_at - r.shown_at).total_seconds() if r.answered_at else None
        review_s = (r.reviewed_at - r.answered_at).total_seconds() if r.reviewed_at and r.answered_at else None
        cards.append(
            CardResult(
                r.item_id,
                it.area if it else "",
                it.level if it else "",
                it.question if it else r.item_id,
                r.followup_of,
                r.answer,
                tuple(r.key_points),
                tuple(r.ticks or ()),
                it.trap if it else "",
                bool(r.trap_fell),
                r.rating,
                answer_s,
                review_s,
            )
        )
    kata = None
    if m.kata_id:
        k = get_katas().get(m.kata_id)
        end = m.kata_finished_at or (now if m.kata_started_at and not m.finished_at else None)
        secs = (end - m.kata_started_at).total_seconds() if end and m.kata_started_at else None
        status = m.kata_status or ("not started" if m.kata_started_at is None else "not checked")
        plan = MockPlan.from_dict(m.plan)
        kata = KataResult(
            m.kata_id, k.spec.title if k else m.kata_id, status, m.kata_checks, secs, plan.kata_seconds, plan.kata_note
        )
    end = m.finished_at or now
    titles = {a: AREA_BY_ID[a].title for a in AREA_BY_ID}
    return Report(
        m.id,
        m.started_at,
        m.minutes,
        (end - m.started_at).total_seconds(),
        f"{m.scope.get('describe', '')}, seed {m.scope.get('seed')}",
        m.finished_at is not None,
        cards,
        kata,
        titles,
    )


def list_mocks(db: Database, cat: Catalog, items: dict[str, Item], *, now: datetime) -> list[Report]:
    """Every mock, oldest first, as its report."""
    with db.session() as s:
        ids = list(s.scalars(select(MockSession.id).order_by(MockSession.id)))
    return [report(db, cat, items, i, now=now) for i in ids]
