"""Mock interview: which cards and kata a timed session asks, what comes next, the rating from the ticks, the report.

Pure and seedable (no database: study/mock_run.py reads the history and stores the session).

Budget (DESIGN.md "Mock interview"). A card takes ~90 s (a 60-90 s spoken answer, then the review of its key points),
so CARD_SECONDS = 90. The kata gets 5 min in a 15-minute mock and a third of the time in a 30- or 45-minute one
(10 and 15 min); the cards share the rest: 15 min -> 6 cards, 30 min -> 13, 45 min -> 20 (no kata: all the time).
Cards stop once their share of the time is spent, even if slots are left; the kata then runs to the end.

Which cards (`plan_mock`). The pool: catalog cards in the chosen track or areas, of the chosen levels, that are not
follow-ups of another card (those come only after a good answer), not suspended or buried, and not seen in the last
day (REPEAT_WINDOW: no review and no mock showing). The slots are split evenly over the chosen levels (the remainder to
the lower ones) and each level's cards are drawn without replacement with probability proportional to
    weight = area weight x status weight,
    area weight   = 1 + AREA_BONUS x (shaky + unknown cards) / (seen cards) of that area in the scope (1 if none seen),
    status weight = STATUS_WEIGHT[status]: unknown 3, shaky 3, new 1, fluent 0.5
(Efraimidis-Spirakis keys u^(1/w), so one draw gives the whole order). A level short of cards passes its slots on to
the next one (and the top level back down). The cards are then asked L1 before L2 before L3: levels rise.

What comes next (`next_card`). After a good answer (rated Good or Easy) the card's follow-ups come next, as an
interviewer pushes further; after a weaker one the interview moves on. A follow-up takes a slot: the lowest-level main
card still waiting is dropped, so the session keeps its length and still ends on its hardest cards.

Rating from the ticks (`rating_from_ticks`), with k of n key points ticked: all (k = n) Good; most (2k >= n, i.e.
at least half) Hard; fewer Again. Falling into the trap lowers that by one step (never below Again). A card without
key points is rated by the learner (the mock says so); the learner may always change the proposed rating.
A card's score is k / n (a self-rated card: Again 0, Hard 0.5, Good/Easy 1); an area's score is the mean over its
cards; the session's the mean over all cards.

The kata: one from the same areas (not tried in the last day), drawn with the status weights; if the areas have none,
one from anywhere, and the report says so.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mldrill.study.items import Item
from mldrill.study.plan import LEVEL_RANK, followup_ids

MINUTES = (15, 30, 45)
CARD_SECONDS = 90
ANSWER_TARGET = (60, 90)  # seconds a spoken answer should take (STYLE.md: "what a strong candidate says in 60-90 s")
REPEAT_WINDOW = timedelta(days=1)
STATUS_WEIGHT = {"unknown": 3.0, "shaky": 3.0, "new": 1.0, "fluent": 0.5}
AREA_BONUS = 2.0
MOSTLY_SEEN = 0.7  # Today suggests a 30-minute mock once this share of the track's main cards is seen
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
SELF_SCORE = {AGAIN: 0.0, HARD: 0.5, GOOD: 1.0, EASY: 1.0}


def kata_seconds(minutes: int) -> int:
    return 300 if minutes <= 15 else minutes * 60 // 3


def card_slots(minutes: int, *, with_kata: bool = True) -> int:
    return (minutes * 60 - (kata_seconds(minutes) if with_kata else 0)) // CARD_SECONDS


@dataclass(frozen=True)
class History:
    """What the learner has done, as the plan needs it: practice-log status and when each item was last seen."""

    status: Mapping[str, str] = field(default_factory=dict)  # seen item -> fluent | shaky | unknown
    last_seen: Mapping[str, datetime] = field(default_factory=dict)  # item -> last review or mock showing
    hidden: frozenset[str] = frozenset()  # suspended or buried now


@dataclass
class MockPlan:
    minutes: int
    card_slots: int
    card_seconds: int  # the cards' share of the time; after it no new card starts
    kata_seconds: int
    main: list[str]  # the main cards, levels rising
    followups: dict[str, list[str]]  # card -> its follow-ups that may be asked (not seen in the last day)
    kata: str | None  # kata id
    kata_note: str = ""  # "" or why the kata comes from outside the chosen areas
    area_weights: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> MockPlan:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def _status(history: History, item_id: str) -> str:
    return history.status.get(item_id, "new")


def area_weights(cards: Sequence[Item], history: History) -> dict[str, float]:
    seen: dict[str, int] = defaultdict(int)
    weak: dict[str, int] = defaultdict(int)
    for it in cards:
        st = history.status.get(it.id)
        if st is not None:
            seen[it.area] += 1
            weak[it.area] += st in ("shaky", "unknown")
    return {a: 1.0 + AREA_BONUS * (weak[a] / seen[a] if seen[a] else 0.0) for a in {it.area for it in cards}}


def weighted_order(items: Sequence[Item], weight: Callable[[Item], float], rng: random.Random) -> list[Item]:
    """A weighted random permutation (Efraimidis-Spirakis): the first is drawn with probability w / sum(w), the
    next from the rest likewise, and so on."""
    keyed = [(rng.random() ** (1.0 / weight(it)), i, it) for i, it in enumerate(items)]
    return [it for _, _, it in sorted(keyed, key=lambda k: (-k[0], k[1]))]


def split_levels(n: int, levels: Sequence[str]) -> list[int]:
    base, extra = divmod(n, len(levels))
    return [base + (i < extra) for i in range(len(levels))]


def plan_mock(
    items: Mapping[str, Item],
    history: History,
    *,
    now: datetime,
    minutes: int,
    covers: Callable[[Item], bool],
    levels: Sequence[str] = ("L1", "L2", "L3"),
    rng: random.Random,
) -> MockPlan:
    """The cards and kata of a mock (module docstring). `items` holds cards and katas (kind "kata")."""
    if minutes not in MINUTES:
        raise ValueError(f"a mock lasts {', '.join(map(str, MINUTES))} minutes, not {minutes}")
    levels = sorted(set(levels), key=lambda lv: LEVEL_RANK.get(lv, 9))
    if not levels or any(lv not in LEVEL_RANK for lv in levels):
        raise ValueError(f"levels must be among L1, L2, L3, got {list(levels)}")
    recent = {i for i, t in history.last_seen.items() if now - t < REPEAT_WINDOW}

    def fresh(i: str) -> bool:
        return i in items and i not in recent and i not in history.hidden

    scope = [it for it in items.values() if it.kind == "card" and covers(it)]
    weights = area_weights(scope, history)
    fu = followup_ids(dict(items))
    pool = [it for it in scope if it.id not in fu and fresh(it.id)]

    def weight(it: Item) -> float:
        return weights.get(it.area, 1.0) * STATUS_WEIGHT[_status(history, it.id)]

    kata_pool = [it for it in items.values() if it.kind == "kata" and fresh(it.id)]
    in_scope = [k for k in kata_pool if covers(k)]
    kata_order = weighted_order(in_scope or kata_pool, lambda k: STATUS_WEIGHT[_status(history, k.id)], rng)
    kata = kata_order[0].id.removeprefix("kata/") if kata_order else None
    note = "" if in_scope or kata is None else "no kata in these areas was free: this one is from another area"
    slots = card_slots(minutes, with_kata=kata is not None)
    drawn: dict[str, list[Item]] = {}
    left: dict[str, list[Item]] = {}
    carry = 0
    for lv, n in zip(levels, split_levels(slots, levels), strict=True):
        order = weighted_order([it for it in pool if it.level == lv], weight, rng)
        take = n + carry
        drawn[lv], left[lv], carry = order[:take], order[take:], max(0, take - len(order))
    for lv in reversed(levels):  # the top levels were short: fill from the levels below
        more, left[lv] = left[lv][:carry], left[lv][carry:]
        drawn[lv] += more
        carry -= len(more)
    main = [it.id for lv in levels for it in drawn[lv]]
    followups: dict[str, list[str]] = {}
    stack = list(main)
    while stack:
        cid = stack.pop()
        if cid in followups:
            continue
        followups[cid] = [f for f in items[cid].followups if fresh(f) and f not in main and f != cid]
        stack.extend(followups[cid])
    followups = {k: v for k, v in followups.items() if v}
    card_time = minutes * 60 - (kata_seconds(minutes) if kata else 0)
    return MockPlan(
        minutes, slots, card_time, kata_seconds(minutes) if kata else 0, main, followups, kata, note, weights
    )


@dataclass(frozen=True)
class Asked:
    item_id: str
    rating: int | None  # None: not rated yet
    followup_of: str | None = None


def next_card(plan: MockPlan, asked: Sequence[Asked], elapsed_s: float) -> tuple[str, str | None] | None:
    """(card, the card whose good answer brought it in or None) to ask next; None when the cards are over (slots or
    time spent, or nothing left). The last asked card must be rated first."""
    if asked and asked[-1].rating is None:
        raise ValueError(f"{asked[-1].item_id} is not rated yet")
    if len(asked) >= plan.card_slots or elapsed_s >= plan.card_seconds:
        return None
    done = {a.item_id for a in asked}
    for a in reversed(asked):  # the most recent good answer with follow-ups still to ask
        if a.rating is not None and a.rating >= GOOD:
            todo = [f for f in plan.followups.get(a.item_id, []) if f not in done]
            if todo:
                return todo[0], a.item_id
    waiting = [m for m in plan.main if m not in done]
    room = plan.card_slots - len(asked)
    keep = waiting[len(waiting) - room :] if len(waiting) > room else waiting  # a follow-up displaced the lowest
    return (keep[0], None) if keep else None


def rating_from_ticks(ticks: Sequence[bool], trap_fell: bool) -> int:
    """All key points Good, at least half Hard, fewer Again; the trap lowers it one step (module docstring)."""
    n, k = len(ticks), sum(bool(t) for t in ticks)
    if n == 0:
        raise ValueError("a card without key points is rated by the learner")
    rating = GOOD if k == n else HARD if 2 * k >= n else AGAIN
    return max(AGAIN, rating - 1) if trap_fell else rating


def card_score(ticks: Sequence[bool] | None, rating: int | None) -> float:
    if ticks:
        return sum(bool(t) for t in ticks) / len(ticks)
    return SELF_SCORE.get(rating or AGAIN, 0.0)


def mostly_seen(seen: int, total: int) -> bool:
    """Today's hint: at least MOSTLY_SEEN of the track's main cards are seen."""
    return total > 0 and seen >= MOSTLY_SEEN * total


def timing(seconds: float | None) -> str:
    """'short' under 60 s, 'long' over 90 s, 'ok' in between ('' when there is no time)."""
    if seconds is None:
        return ""
    lo, hi = ANSWER_TARGET
    return "short" if seconds < lo else "long" if seconds > hi else "ok"


def clock(seconds: float) -> str:
    s = max(0, round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def trend(scores: Sequence[float]) -> list[str]:
    """Per mock (oldest first): '' for the first, then ↑ / ↓ / = against the one before (within 2 points: =)."""
    out = [""]
    for prev, cur in itertools.pairwise(scores):
        out.append("=" if abs(cur - prev) < 0.02 else "↑" if cur > prev else "↓")
    return out[: len(scores)]
