"""A drill session: the queue of items to show, ratings committed one by one, follow-ups, undo.

Queue order (as in Anki): due items first (oldest due first), then new items in the interleaved order of
study/plan.py up to the day's new-card cap (main cards only: follow-ups never count against it), plus `extra_new`
more when the learner asks for them (custom study). The user's imported cards (area `user`, "My cards") are one more
area in that round robin, in their import order. Review ahead (`ahead_days`): the pool's seen items due within
that many days, soonest first, and no new ones. Suspended cards and cards buried until a later time are left out
(of the due, new and follow-up items alike); `mark` buries or suspends a card (it leaves the running queue at once)
or flags it, and undo takes that back too. After a rating:
- the card's follow-ups come next (those not yet asked in this session);
- a card whose next due falls inside the learn-ahead window (learning steps: 1 and 10 min) comes back at the end.
Every rating is committed before `rate` returns, so the next card is only ever shown after the last one is safe.
Answer time: the time from the question first being shown (`mark_shown`, or the queue reaching the card) to its
rating is stored with the review (`duration_ms`), for the FSRS optimizer (study/fit.py) and the stats.
Counts (`counts`): the queue's new / learning / review cards, as Anki shows them; they go down as you rate.
`undo` deletes the last rating of this session, restores the item's previous state and puts it back in front.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fsrs import Scheduler
from sqlalchemy import select

from mldrill.store import Database, ItemState, Review
from mldrill.study.clock import Clock, day_bounds, local_zone, utcnow
from mldrill.study.items import Item
from mldrill.study.plan import followup_ids, introduced_today, new_card_order
from mldrill.study.scheduler import (
    Settings,
    apply_rating,
    from_snapshot,
    load_settings,
    make_scheduler,
    preview_intervals,
    snapshot,
)
from mldrill.study.status import status_from_ratings


def record_review(
    db: Database,
    scheduler: Scheduler,
    item: Item,
    rating: int,
    *,
    now: datetime,
    duration_ms: int | None = None,
    session_id: str | None = None,
) -> tuple[int, ItemState]:
    """Apply one rating through FSRS and commit it with its review-log row (holding the state before it)."""
    with db.session() as s:
        old = s.get(ItemState, item.id)
        prev = snapshot(old) if old is not None else None
        new = apply_rating(scheduler, old, item_id=item.id, kind=item.kind, rating=rating, now=now)
        recent = s.scalars(select(Review.rating).where(Review.item_id == item.id).order_by(Review.id.desc()).limit(2))
        new.status = status_from_ratings([*reversed(list(recent)), rating])
        merged = s.merge(new)
        review = Review(
            item_id=item.id,
            kind=item.kind,
            rating=rating,
            reviewed_at=now,
            duration_ms=duration_ms,
            session_id=session_id,
            prev_state=prev,
        )
        s.add(review)
        s.flush()
        return review.id, merged


@dataclass(frozen=True)
class Rated:
    item_id: str
    rating: int
    due: datetime
    interval: timedelta
    status: str
    leech: str = ""  # why the card was tagged leech (and suspended) by this rating; "" if it was not


@dataclass
class _Step:
    review_id: int
    item_id: str
    rating: int
    queue_before: list[str]
    followup_of: dict[str, str]
    mark_before: object = None  # the card's deck.Mark before a leech changed it (undo restores it)


@dataclass
class DrillSession:
    db: Database
    items: dict[str, Item]
    pool: list[Item]  # the items this session may introduce (already filtered by topic / level / status)
    limit: int | None = None
    extra: bool = False  # extra review: every pool item already seen, due or not (for --status shaky/unknown)
    settings: Settings | None = None
    new_pool: list[Item] | None = None  # where new cards come from (default: the pool; a track narrows it)
    new_cap: int | None = None  # today's cap on main new cards (default: settings.new_per_day; a plan raises it)
    extra_new: int = 0  # custom study: this many new cards beyond the cap, in this session
    ahead_days: int = 0  # custom study: review ahead, items due within this many days (no new cards)
    clock: Clock = utcnow
    # Modes built by study/rapid.py and study/confused.py: "rapid" (one sentence, a countdown of `seconds`) or
    # "confused" (pairs; `roles` says what each card is). Their queue is given (`preset`) and gets no follow-ups.
    mode: str = ""
    seconds: int = 0
    preset: list[str] | None = None
    roles: dict[str, str] = field(default_factory=dict)
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    queue: list[str] = field(default_factory=list)
    followup_of: dict[str, str] = field(default_factory=dict)  # follow-up id -> the card that brought it in
    history: list[_Step] = field(default_factory=list)
    hidden: set[str] = field(default_factory=set)  # suspended or buried: never queued in this session
    # What undo takes back, newest last: "rate" (a step of `history`) or "mark" (a step of `mark_steps`: a bury,
    # suspend or flag, which Anki's undo also takes back).
    undo_order: list[str] = field(default_factory=list)
    mark_steps: list[tuple[str, object, list[str]]] = field(default_factory=list)  # (item, Mark before, queue)
    last_undone: str = ""  # what the last undo took back: "rating" or the mark's action
    shown_at: dict[str, datetime] = field(default_factory=dict)  # item -> when its question was first shown
    cap_reached: bool = False  # new cards were left out because today's cap is reached
    more_new: int = 0  # unseen cards of the pool (main ones) left out by the cap

    def __post_init__(self) -> None:
        self.settings = self.settings or load_settings(self.db)
        self.scheduler = make_scheduler(self.settings)
        self.followups = followup_ids(self.items)
        self.queue = self._build_queue()

    # -- queue ---------------------------------------------------------------------------------------------------
    def _build_queue(self) -> list[str]:
        assert self.settings is not None
        from mldrill.study.deck import hidden_ids

        now = self.clock()
        self.hidden = hidden_ids(self.db, now)
        if self.preset is not None:
            return [i for i in self.preset if i in self.items and i not in self.hidden]
        ids = {it.id for it in self.pool if it.id not in self.hidden}
        # Only the columns the queue needs; a large pool (the whole catalog) reads every row and filters here
        # rather than sending hundreds of bound ids.
        query = select(ItemState.item_id, ItemState.status, ItemState.due)
        if len(ids) <= 200:
            query = query.where(ItemState.item_id.in_(ids))
        with self.db.session() as s:
            states = {i: (status, due) for i, status, due in s.execute(query) if i in ids} if ids else {}
        start, _ = day_bounds(now, local_zone(self.settings.timezone))
        if self.extra:
            order = {"unknown": 0, "shaky": 1, "fluent": 2}
            queue = sorted(states, key=lambda i: (order.get(states[i][0], 3), states[i][1]))
            return queue[: self.limit] if self.limit is not None else queue
        horizon = now + timedelta(days=self.ahead_days)
        due = sorted((d, i) for i, (_, d) in states.items() if d <= horizon)
        if self.ahead_days:
            return [i for _, i in due][: self.limit] if self.limit is not None else [i for _, i in due]
        cap = self.settings.new_per_day if self.new_cap is None else self.new_cap
        new_left = max(0, cap - introduced_today(self.db, self.items, start).main) + self.extra_new
        pool = self.new_pool if self.new_pool is not None else self.pool
        candidates = [it for it in pool if it.id not in states and it.id not in self.hidden]
        if self.new_pool is not None and candidates:  # a track's new cards may lie outside the due pool's filter
            with self.db.session() as s:
                seen = set(s.scalars(select(ItemState.item_id)))
            candidates = [it for it in candidates if it.id not in seen]
        ordered = new_card_order(candidates, self.items)
        new = [it.id for it in ordered[:new_left]]
        self.more_new = len(ordered) - len(new)
        self.cap_reached = self.more_new > 0
        queue = [i for _, i in due] + new
        if self.limit is not None:
            queue = queue[: self.limit]
        return queue

    def current(self) -> Item | None:
        return self.items[self.queue[0]] if self.queue else None

    def mark_shown(self, item_id: str) -> None:
        """The question of `item_id` is on screen: its answer time runs from the first time this is called."""
        self.shown_at.setdefault(item_id, self.clock())

    def counts(self) -> dict[str, int]:
        """The queue's cards by kind, as in Anki: new (never seen), learning (learning or relearning steps),
        review; never-seen follow-ups are counted apart (`followups`), as they do not count against the daily cap
        and arrive after their parent is rated: so new, learning and review only go down as you rate (a card
        that fails goes from new or review to learning)."""
        ids = set(self.queue)
        query = select(ItemState.item_id, ItemState.state)
        if len(ids) <= 200:
            query = query.where(ItemState.item_id.in_(ids))
        with self.db.session() as s:
            states = {i: st for i, st in s.execute(query) if i in ids} if ids else {}
        out = {"new": 0, "learning": 0, "review": 0, "followups": 0}
        for i in ids:
            st = states.get(i)
            if st is None:
                out["followups" if i in self.followups and self.preset is None else "new"] += 1
            elif st == 2:
                out["review"] += 1
            else:
                out["learning"] += 1
        return out

    def next_due(self) -> datetime | None:
        """When the next item of the pool (any item, without a pool) falls due after now; None if none is seen."""
        now = self.clock()
        ids = {it.id for it in self.pool}
        with self.db.session() as s:
            rows = s.execute(select(ItemState.item_id, ItemState.due).where(ItemState.due > now))
            dues = [d for i, d in rows if not ids or i in ids]
        return min(dues, default=None)

    def state_of(self, item_id: str) -> ItemState | None:
        with self.db.session() as s:
            return s.get(ItemState, item_id)

    def preview(self, item_id: str) -> dict[int, timedelta]:
        return preview_intervals(self.scheduler, self.state_of(item_id), self.clock())

    # -- rating --------------------------------------------------------------------------------------------------
    def rate(self, rating: int, *, duration_ms: int | None = None) -> Rated:
        """Rate the current item; committed to the database before this returns."""
        assert self.settings is not None
        if not self.queue:
            raise RuntimeError("nothing to rate: the session queue is empty")
        item = self.items[self.queue[0]]
        now = self.clock()
        before = self.state_of(item.id)
        lapses_before = before.lapses if before is not None else 0
        if duration_ms is None and item.id in self.shown_at:
            duration_ms = min(int((now - self.shown_at[item.id]).total_seconds() * 1000), 86_400_000)
        self.shown_at.pop(item.id, None)
        queue_before, followups_before = list(self.queue), dict(self.followup_of)
        review_id, state = record_review(
            self.db, self.scheduler, item, rating, now=now, duration_ms=duration_ms, session_id=self.session_id
        )
        due, status = state.due, state.status
        step = _Step(review_id, item.id, rating, queue_before, followups_before)
        self.history.append(step)
        self.undo_order.append("rate")
        leech = self._check_leech(item.id, state.lapses, lapsed=state.lapses > lapses_before, step=step, now=now)
        self.queue.pop(0)
        self._queue_followups(item)
        if (
            due - now <= timedelta(minutes=self.settings.learn_ahead_minutes)
            and item.id not in self.queue
            and item.id not in self.hidden
        ):
            self.queue.append(item.id)
        return Rated(item.id, rating, due, due - now, status, leech)

    def _check_leech(self, item_id: str, lapses: int, *, lapsed: bool, step: _Step, now: datetime) -> str:
        from dataclasses import replace

        from mldrill.study.deck import get_mark, is_leech_lapse, put_mark

        assert self.settings is not None
        if not lapsed or not is_leech_lapse(lapses, self.settings.leech_threshold):
            return ""
        before = get_mark(self.db, item_id)
        suspend = self.settings.leech_action != "tag"
        put_mark(self.db, item_id, replace(before, leech=True, suspended=before.suspended or suspend), now=now)
        step.mark_before = before
        if suspend:
            self.hidden.add(item_id)
        what = "tagged leech and suspended" if suspend else "tagged leech"
        return f"{lapses} lapse{'s' if lapses != 1 else ''} (forgotten {lapses}x after learning it): {what}." + (
            " Rewrite it, add a note, or unsuspend it in the card browser." if suspend else ""
        )

    def drop(self, item_id: str) -> None:
        """Take a card out of this session at once (it was suspended or buried)."""
        self.hidden.add(item_id)
        self.queue = [q for q in self.queue if q != item_id]

    def mark(self, item_id: str, action: str) -> str:
        """Bury, suspend, flag or unflag a card during the drill (study/deck.py), undoably; a buried or suspended
        card leaves the queue at once. Returns the action done (flag on a flagged card unflags it)."""
        from mldrill.study.deck import act, get_mark

        assert self.settings is not None
        before = get_mark(self.db, item_id)
        if action == "flag" and before.flag:
            action = "unflag"
        queue_before = list(self.queue)
        act(self.db, self.items[item_id], action, now=self.clock(), timezone=self.settings.timezone)
        if action in ("bury", "suspend"):
            self.drop(item_id)
        self.mark_steps.append((item_id, before, queue_before))
        self.undo_order.append("mark")
        return action

    def _queue_followups(self, item: Item) -> None:
        if self.preset is not None:  # rapid-fire and pairs keep their own order
            return
        asked = {st.item_id for st in self.history}
        fresh = [f for f in item.followups if f in self.items and f not in asked and f not in self.hidden]
        for f in fresh:
            self.followup_of.setdefault(f, item.id)
        self.queue = fresh + [q for q in self.queue if q not in fresh]

    def undo(self) -> Item | None:
        """Take back the last rating, bury, suspend or flag of this session (newest first); returns the item, now
        current again (None if there is nothing to undo). `last_undone` says which it was."""
        if not self.undo_order:
            return None
        if self.undo_order.pop() == "mark":
            from mldrill.study.deck import Mark, get_mark, put_mark

            item_id, before, queue_before = self.mark_steps.pop()
            assert isinstance(before, Mark)
            now_mark = get_mark(self.db, item_id)
            self.last_undone = "suspend" if now_mark.suspended != before.suspended else "bury"
            self.last_undone = "flag" if now_mark.flag != before.flag else self.last_undone
            put_mark(self.db, item_id, before, now=self.clock())
            if not before.suspended and not before.buried(self.clock()):
                self.hidden.discard(item_id)
            self.queue = [q for q in queue_before if q not in self.hidden]
            return self.items[item_id]
        self.last_undone = "rating"
        step = self.history.pop()
        with self.db.session() as s:
            review = s.get(Review, step.review_id)
            if review is not None:
                prev = review.prev_state
                s.delete(review)
                current = s.get(ItemState, step.item_id)
                if current is not None and prev is None:
                    s.delete(current)  # it was new before this rating
                elif current is not None and prev is not None:
                    restored = from_snapshot(prev)
                    for col in ItemState.__table__.columns:
                        setattr(current, col.name, getattr(restored, col.name))
        if step.mark_before is not None:
            from mldrill.study.deck import Mark, put_mark

            assert isinstance(step.mark_before, Mark)
            put_mark(self.db, step.item_id, step.mark_before, now=self.clock())
            if not step.mark_before.suspended:
                self.hidden.discard(step.item_id)
        self.queue = [q for q in step.queue_before if q not in self.hidden or q == step.item_id]
        self.followup_of = step.followup_of
        return self.items[step.item_id]

    # -- summary -------------------------------------------------------------------------------------------------
    def summary(self) -> dict[str, object]:
        counts = Counter(st.rating for st in self.history)
        return {
            "session_id": self.session_id,
            "reviewed": len(self.history),
            "distinct_items": len({st.item_id for st in self.history}),
            "again": counts[1],
            "hard": counts[2],
            "good": counts[3],
            "easy": counts[4],
            "left_in_queue": len(self.queue),
        }
