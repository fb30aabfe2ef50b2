"""What to study: the order new cards come in, the daily new-card cap, tracks and the interview plan.

New-card order (documented in the README's "First session"): the candidates are the unseen cards of the drill's
pool, in catalog order. A card that is the follow-up of another unseen candidate is held back: it comes right after
its parent in the session (study/session.py) and never counts against the cap. The rest are grouped by area (areas
in the order they first appear); inside an area, L1 before L2 before L3, and inside a level the topics take turns
(the first card of each topic, then the second of each, ...); the user's imported cards (area `user`, "My cards")
are one more area, in their import order. The areas then take turns: the first card of each
area, then the second of each, and so on. So the basics of every chosen area come first, not one area after another.

The daily cap (`new_per_day`) counts the main cards first seen today; follow-ups first seen today are counted
separately and shown, never against the cap.

Interview plan: with a track and an interview date, "on schedule" compares the track's main cards seen with a
straight line from plan_start (the day the date was set) to the interview: needed by the end of day d of D =
ceil(total x d / D). The cap for today is
    max(new_per_day, pace),  pace = max(ceil(unseen at the start of today / days left),
                                        needed by tonight - seen before today)
where the days left run from today to the day before the interview: the even share of what is left, or, after a
missed day, enough to be back on the line tonight. The plan never lowers the learner's own new_per_day (to go
slower, lower new_per_day and move the date); follow-ups ride along on top.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import case, select

from mldrill.catalog import Catalog
from mldrill.store import Database, ItemState
from mldrill.study.clock import Clock, day_bounds, local_day, local_zone, utcnow
from mldrill.study.items import USER_AREA, Item
from mldrill.study.scheduler import Settings, load_settings
from mldrill.study.tracks import Track, get_tracks

if TYPE_CHECKING:
    from mldrill.study.session import DrillSession

LEVEL_RANK = {"L1": 0, "L2": 1, "L3": 2}


def followup_ids(items: dict[str, Item]) -> set[str]:
    """Cards that are the follow-up of some card."""
    return {f for it in items.values() for f in it.followups if f in items}


def new_card_order(candidates: list[Item], items: dict[str, Item]) -> list[Item]:
    """The unseen `candidates` (catalog order) in the order a drill introduces them (module docstring)."""
    ids = {it.id for it in candidates}
    held = {f for it in candidates for f in it.followups if f in ids and f != it.id}
    areas: dict[str, list[Item]] = {}
    for it in candidates:
        if it.id not in held:
            areas.setdefault(it.area, []).append(it)
    # The user's imported cards ("My cards") are one more area, kept in their import order.
    ordered_areas = [cards if area == USER_AREA else _area_order(cards) for area, cards in areas.items()]
    out: list[Item] = []
    for rank in range(max((len(a) for a in ordered_areas), default=0)):
        out.extend(a[rank] for a in ordered_areas if rank < len(a))
    return out


def _area_order(cards: list[Item]) -> list[Item]:
    topic_pos: dict[str, int] = {}
    rank_in_group: dict[tuple[str, str], int] = defaultdict(int)
    keyed = []
    for it in cards:
        topic_pos.setdefault(it.topic, len(topic_pos))
        group = (it.topic, it.level)
        keyed.append(((LEVEL_RANK.get(it.level, 3), rank_in_group[group], topic_pos[it.topic]), it))
        rank_in_group[group] += 1
    return [it for _, it in sorted(keyed, key=lambda kv: kv[0])]


@dataclass(frozen=True)
class Introduced:
    main: int  # main cards first seen today (they count against the cap)
    followups: int  # follow-ups first seen today (they do not)


def introduced_today(db: Database, items: dict[str, Item], start: datetime) -> Introduced:
    fu = followup_ids(items)
    with db.session() as s:
        first = list(s.scalars(select(ItemState.item_id).where(ItemState.first_review >= start)))
    cards = [i for i in first if i in items and items[i].kind == "card"]
    n_fu = sum(1 for i in cards if i in fu)
    return Introduced(len(cards) - n_fu, n_fu)


@dataclass(frozen=True)
class Plan:
    track: Track | None
    interview: date | None
    today: date
    total: int  # main cards of the track (follow-ups excluded)
    seen: int
    seen_before_today: int
    days_left: int | None  # study days from today to the day before the interview; None without a date
    pace: int | None  # main new cards a day the plan needs (None: no plan or the date has passed)
    cap: int  # today's new-card cap: max(new_per_day, pace)
    needed_by_today: int | None  # main cards that the straight line says are seen by the end of today
    needed_by_yesterday: int | None

    @property
    def verdict(self) -> str:
        """'none', 'done' (today's part is done), 'on' (on schedule, today's part still to do), 'behind', 'past'."""
        if self.track is None or self.interview is None or self.needed_by_today is None:
            return "none"
        if self.days_left is not None and self.days_left <= 0:
            return "past" if self.seen < self.total else "done"
        if self.seen >= self.needed_by_today:
            return "done"
        return "on" if self.seen >= (self.needed_by_yesterday or 0) else "behind"

    @property
    def to_go_today(self) -> int:
        return max(0, (self.needed_by_today or 0) - self.seen)


def track_of(cat: Catalog, settings: Settings) -> Track | None:
    return get_tracks(cat).get(settings.track) if settings.track else None


def plan_status(
    db: Database, cat: Catalog, items: dict[str, Item], *, settings: Settings | None = None, now: datetime | None = None
) -> Plan:
    settings = settings or load_settings(db)
    now = now or utcnow()
    zone = local_zone(settings.timezone)
    today = local_day(now, zone)
    start, _ = day_bounds(now, zone)
    track = track_of(cat, settings)
    interview = date.fromisoformat(settings.interview_date) if settings.interview_date else None
    if track is None:
        return Plan(None, interview, today, 0, 0, 0, None, None, settings.new_per_day, None, None)
    fu = followup_ids(items)
    main = {i for i, it in items.items() if it.kind == "card" and i not in fu and track.covers(it)}
    with db.session() as s:
        firsts = {i: t for i, t in s.execute(select(ItemState.item_id, ItemState.first_review))}
    seen = sum(1 for i in main if i in firsts)
    seen_before = sum(1 for i in main if i in firsts and firsts[i] < start)
    if interview is None:
        return Plan(track, None, today, len(main), seen, seen_before, None, None, settings.new_per_day, None, None)
    days_left = (interview - today).days
    plan_start = date.fromisoformat(settings.plan_start) if settings.plan_start else today
    span = max(1, (interview - plan_start).days)

    def needed(day: date) -> int:
        elapsed = min(span, max(0, (day - plan_start).days + 1))
        return math.ceil(len(main) * elapsed / span)

    pace = None
    if days_left > 0:  # the even share of what is left, or more to get back on the line after a missed day
        pace = max(math.ceil((len(main) - seen_before) / days_left), needed(today) - seen_before)

    return Plan(
        track,
        interview,
        today,
        len(main),
        seen,
        seen_before,
        days_left,
        pace,
        max(settings.new_per_day, pace or 0),
        needed(today),
        needed(today - timedelta(days=1)),
    )


@dataclass(frozen=True)
class DrillChoice:
    """What the learner chose to drill (the web start form and `mldrill drill`'s options)."""

    topic: str | None = None
    area: str | None = None
    level: str | None = None
    tag: str | None = None
    track: str | None = None  # drill this track (its due and new cards); unset: the plan's track picks new cards
    status: frozenset[str] | None = None  # extra review of seen items with these statuses, due or not
    limit: int | None = None
    extra_new: int = 0  # new cards beyond today's cap
    ahead_days: int = 0  # review ahead: seen items due within this many days
    mode: str = ""  # "rapid" (rapid-fire, study/rapid.py) or "confused" (pairs, study/confused.py); "" a drill
    seconds: int = 0  # rapid-fire: seconds per card (0: the default, 8)
    pair: str | None = None  # confused: this pair only (else the most confused; `limit` pairs)

    @property
    def filtered(self) -> bool:
        return any((self.topic, self.area, self.level, self.tag, self.track))


def start_drill(
    db: Database, cat: Catalog, items: dict[str, Item], choice: DrillChoice, *, clock: Clock = utcnow
) -> DrillSession:
    """The drill session for `choice`; ValueError naming what is unknown (an area, tag or track)."""
    from mldrill.catalog.areas import AREA_BY_ID
    from mldrill.study.items import USER_AREA, select_items
    from mldrill.study.session import DrillSession

    settings = load_settings(db)
    tracks = get_tracks(cat)
    if choice.mode not in ("", "rapid", "confused"):
        raise ValueError(f"no drill mode '{choice.mode}': rapid or confused")
    if choice.mode == "confused":
        return _start_confused(db, cat, items, choice, settings, clock)
    if choice.area and choice.area not in AREA_BY_ID and choice.area != USER_AREA:
        raise ValueError(f"no area '{choice.area}'; areas: {', '.join([*AREA_BY_ID, USER_AREA])}")
    if choice.track and choice.track not in tracks:
        raise ValueError(f"no track '{choice.track}'; tracks: {', '.join(tracks)}")
    if choice.level and choice.level not in LEVEL_RANK:
        raise ValueError(f"level must be L1, L2 or L3, got {choice.level!r}")
    pool = select_items(items, topic=choice.topic, level=choice.level, area=choice.area)
    if choice.tag:
        if not any(choice.tag in it.tags for it in items.values()):
            raise ValueError(f"no card has the tag '{choice.tag}'")
        pool = [it for it in pool if choice.tag in it.tags]
    new_pool = None
    if choice.track:
        pool = [it for it in pool if tracks[choice.track].covers(it)]
    elif not choice.filtered and (track := track_of(cat, settings)) is not None:
        new_pool = [it for it in pool if track.covers(it)]
    if choice.status:
        from mldrill.study.log import practice_log

        keep = {r.item for r in practice_log(db, items, status=set(choice.status))}
        pool = [it for it in pool if it.id in keep]
    if choice.mode == "rapid":
        return _start_rapid(db, items, pool, choice, settings, clock)
    plan = plan_status(db, cat, items, settings=settings, now=clock())
    return DrillSession(
        db,
        items,
        pool,
        limit=choice.limit,
        extra=bool(choice.status),
        settings=settings,
        new_pool=new_pool,
        new_cap=plan.cap,
        extra_new=choice.extra_new,
        ahead_days=choice.ahead_days,
        clock=clock,
    )


@dataclass(frozen=True)
class TodayCounts:
    due_now: int  # due at this moment
    later_today: int  # falling due before the end of the local day
    learning: int  # of those due today, in learning or relearning steps
    review: int  # of those due today, in review
    new_left: int  # main new cards the cap still allows today
    new_seen: int  # main new cards first seen today
    followups_seen: int  # follow-ups first seen today (not counted against the cap)
    cap: int


def today_counts(
    db: Database, cat: Catalog, items: dict[str, Item], *, settings: Settings | None = None, now: datetime | None = None
) -> TodayCounts:
    settings = settings or load_settings(db)
    now = now or utcnow()
    start, end = day_bounds(now, local_zone(settings.timezone))
    # Only the items due before the day ends, and whether each is due now: compared in SQL, read as flags.
    due_now = case((ItemState.due <= now, True), else_=False)
    with db.session() as s:
        query = select(ItemState.item_id, ItemState.state, due_now).where(ItemState.due < end)
        today = [(i, st, bool(d)) for i, st, d in s.execute(query) if i in items]
    intro = introduced_today(db, items, start)
    cap = plan_status(db, cat, items, settings=settings, now=now).cap
    return TodayCounts(
        due_now=sum(1 for _, _, d in today if d),
        later_today=sum(1 for _, _, d in today if not d),
        learning=sum(1 for _, st, _ in today if st != 2),
        review=sum(1 for _, st, _ in today if st == 2),
        new_left=max(0, cap - intro.main),
        new_seen=intro.main,
        followups_seen=intro.followups,
        cap=cap,
    )


def _start_rapid(
    db: Database, items: dict[str, Item], pool: list[Item], choice: DrillChoice, settings: Settings, clock: Clock
) -> DrillSession:
    """Rapid-fire over the pool (study/rapid.py): `limit` cards (default 20), `seconds` each (default 8)."""
    from mldrill.study.rapid import DEFAULT_COUNT, DEFAULT_SECONDS, SECONDS_RANGE, rapid_queue
    from mldrill.study.session import DrillSession

    seconds = choice.seconds or DEFAULT_SECONDS
    if not SECONDS_RANGE[0] <= seconds <= SECONDS_RANGE[1]:
        raise ValueError(f"seconds must be from {SECONDS_RANGE[0]} to {SECONDS_RANGE[1]}, got {seconds}")
    queue = rapid_queue(db, items, pool, count=choice.limit or DEFAULT_COUNT, settings=settings, now=clock())
    return DrillSession(db, items, pool, settings=settings, clock=clock, mode="rapid", seconds=seconds, preset=queue)


def _start_confused(
    db: Database, cat: Catalog, items: dict[str, Item], choice: DrillChoice, settings: Settings, clock: Clock
) -> DrillSession:
    """Confused pairs (study/confused.py): the pair asked for, or the `limit` most confused ones (default 3)."""
    from mldrill.study.confused import DEFAULT_PAIRS, all_pairs, most_confused, pair_roles
    from mldrill.study.session import DrillSession

    pairs = all_pairs(cat)
    if choice.pair:
        chosen = [p for p in pairs if p.id == choice.pair]
        if not chosen:
            raise ValueError(f"no pair '{choice.pair}'; pairs: {', '.join(p.id for p in pairs)}")
    else:
        chosen = most_confused(db, pairs, choice.limit or DEFAULT_PAIRS)
    queue = list(dict.fromkeys(i for p in chosen for i in p.cards))  # a card in two pairs is asked once
    pool = [items[i] for i in dict.fromkeys(queue) if i in items]
    return DrillSession(
        db, items, pool, settings=settings, clock=clock, mode="confused", preset=queue, roles=pair_roles(chosen)
    )
