"""Owning the deck: what the user sets on a card (suspend, bury, flag, note, reset), leeches, search and the
card browser, and the user's imported decks.

- Suspended: out of every queue until unsuspended. Buried: out of every queue until the next local day starts.
- Flag: Anki's colours (0 none, 1 red, 2 orange, 3 green, 4 blue, 5 pink, 6 turquoise, 7 purple); the drill's `*`
  toggles red.
- Note: the user's own text, shown under the answer in both drills (at most 5,000 characters).
- Reset: forget the card's history (its state and reviews; the note and flag stay), as Anki's "Forget".
- Leech: a lapse is Again on a card in the review state. When a card's lapses reach `leech_threshold` (8) and again
  every half-threshold after (as in Anki), it is tagged leech and, unless `leech_action` is "tag", suspended.
- Search: every word of the query (case-insensitive) must appear in the question, answer, trap or note.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, select

from mldrill.store import CardMark, CardReport, Database, ItemState, Review, UserCard
from mldrill.study.clock import day_bounds, local_zone
from mldrill.study.items import USER_AREA, Item

FLAGS = {0: "none", 1: "red", 2: "orange", 3: "green", 4: "blue", 5: "pink", 6: "turquoise", 7: "purple"}
MAX_NOTE = 5000
STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}
PAGE_SIZE = 50
SORTS = ("", "due", "-due", "lapses", "-lapses", "reps", "-reps", "topic", "question")


class DeckError(ValueError):
    """Bad input for a deck action (unknown card, note too long, unknown flag); the message says what."""


@dataclass(frozen=True)
class Mark:
    suspended: bool = False
    buried_until: datetime | None = None
    flag: int = 0
    note: str = ""
    leech: bool = False

    def buried(self, now: datetime) -> bool:
        return self.buried_until is not None and self.buried_until > now


NO_MARK = Mark()


def _to_mark(row: CardMark) -> Mark:
    return Mark(row.suspended, row.buried_until, row.flag, row.note, row.leech)


def marks(db: Database) -> dict[str, Mark]:
    """Every card's marks (a card without marks is absent)."""
    with db.session() as s:
        return {r.item_id: _to_mark(r) for r in s.scalars(select(CardMark))}


def get_mark(db: Database, item_id: str) -> Mark:
    with db.session() as s:
        row = s.get(CardMark, item_id)
        return _to_mark(row) if row is not None else NO_MARK


def put_mark(db: Database, item_id: str, mark: Mark, *, now: datetime) -> Mark:
    """Store `mark` for the card (a mark equal to no mark deletes the row)."""
    with db.session() as s:
        row = s.get(CardMark, item_id)
        if mark == NO_MARK:
            if row is not None:
                s.delete(row)
            return mark
        if row is None:
            row = CardMark(item_id=item_id)
            s.add(row)
        row.suspended, row.buried_until, row.flag = mark.suspended, mark.buried_until, mark.flag
        row.note, row.leech, row.updated_at = mark.note, mark.leech, now
    return mark


def hidden_ids(db: Database, now: datetime) -> set[str]:
    """Cards out of the queue now: suspended, or buried until a later time."""
    return {i for i, m in marks(db).items() if m.suspended or m.buried(now)}


# -- actions -------------------------------------------------------------------------------------------------------
ACTIONS = ("suspend", "unsuspend", "bury", "unbury", "flag", "unflag", "note", "reset")


def act(db: Database, item: Item, action: str, *, now: datetime, value: str = "", timezone: str | None = None) -> Mark:
    """One action of ACTIONS on `item`; returns the card's marks after it. `value`: the flag colour (1-7, default
    red) for "flag", the text for "note"."""
    m = get_mark(db, item.id)
    if action == "suspend":
        m = replace(m, suspended=True)
    elif action == "unsuspend":
        m = replace(m, suspended=False)  # the leech tag stays, as in Anki
    elif action == "bury":
        _, tomorrow = day_bounds(now, local_zone(timezone))
        m = replace(m, buried_until=tomorrow)
    elif action == "unbury":
        m = replace(m, buried_until=None)
    elif action == "flag":
        colour = value.strip().lower() or "1"
        names = {v: k for k, v in FLAGS.items()}
        flag = names.get(colour, int(colour) if colour.isdigit() else -1)
        if not 1 <= flag <= 7:
            raise DeckError(f"flag must be 1-7 or a colour ({', '.join(list(FLAGS.values())[1:])}), got {value!r:.40}")
        m = replace(m, flag=flag)
    elif action == "unflag":
        m = replace(m, flag=0)
    elif action == "note":
        text = value.replace("\r\n", "\n").strip()
        if len(text) > MAX_NOTE:
            raise DeckError(f"a note holds at most {MAX_NOTE} characters, got {len(text)}")
        m = replace(m, note=text)
    elif action == "reset":
        reset(db, item.id)
        m = replace(get_mark(db, item.id), leech=False)
    else:
        raise DeckError(f"unknown action '{action}' (one of {', '.join(ACTIONS)})")
    return put_mark(db, item.id, m, now=now)


def reset(db: Database, item_id: str) -> int:
    """Forget the card's history: its FSRS state and every review of it. Returns the number of reviews removed."""
    with db.session() as s:
        # a DELETE's result is a CursorResult (it has rowcount); SQLAlchemy types execute() as Result
        n = s.execute(delete(Review).where(Review.item_id == item_id)).rowcount  # type: ignore[attr-defined]
        s.execute(delete(ItemState).where(ItemState.item_id == item_id))
    return int(n or 0)


def is_leech_lapse(lapses: int, threshold: int) -> bool:
    """Anki's rule: a leech at `threshold` lapses, and again every half-threshold (at least 1) after."""
    if lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


# -- search and the browser ----------------------------------------------------------------------------------------
_HAYSTACKS: dict[str, tuple[Item, str]] = {}  # item id -> (the item, its searchable text, case-folded)


def haystack(item: Item) -> str:
    """The item's question, answer and trap, case-folded; kept per item object (catalog items live as long as the
    catalog; an edited imported card is a new object and is folded again)."""
    hit = _HAYSTACKS.get(item.id)
    if hit is None or hit[0] is not item:
        if len(_HAYSTACKS) > 200_000:
            _HAYSTACKS.clear()
        hit = _HAYSTACKS[item.id] = (item, f"{item.question}\n{item.answer}\n{item.trap}".casefold())
    return hit[1]


def matches(item: Item, words: list[str], note: str = "") -> bool:
    text = haystack(item)
    folded = note.casefold() if note else ""
    return all(w in text or w in folded for w in words)


def query_words(q: str) -> list[str]:
    return q.casefold().split()


def deck_of(item: Item) -> str:
    return item.topic.removeprefix("user/") if item.area == USER_AREA else ""


@dataclass(frozen=True)
class Query:
    q: str = ""
    area: str = ""
    topic: str = ""
    level: str = ""
    status: str = ""  # new | learning | review | fluent | shaky | unknown | leech
    due: str = ""  # now | today
    flagged: str = ""  # "" | any | 1-7
    suspended: str = ""  # "" | yes | no | buried
    deck: str = ""
    sort: str = ""
    page: int = 1


@dataclass(frozen=True)
class Row:
    item: Item
    state: str  # new | learning | review | relearning
    status: str  # fluent | shaky | unknown | new
    due: datetime | None
    reps: int
    lapses: int
    mark: Mark


_State = tuple[int, str, datetime, int, int]  # state, status, due, reps, lapses


def _states(db: Database, ids: list[str] | None = None) -> dict[str, _State]:
    """Every card's FSRS state, or only those of `ids` (a page of the browser)."""
    query = select(
        ItemState.item_id, ItemState.state, ItemState.status, ItemState.due, ItemState.reps, ItemState.lapses
    )
    if ids is not None:
        query = query.where(ItemState.item_id.in_(ids))
    with db.session() as s:
        return {i: (state, status, due, reps, lapses) for i, state, status, due, reps, lapses in s.execute(query)}


def _row(it: Item, st: _State | None, m: Mark) -> Row:
    if st is None:
        return Row(it, "new", "new", None, 0, 0, m)
    return Row(it, STATE_NAMES.get(st[0], "review"), st[1], st[2], st[3], st[4], m)


def browse(
    db: Database, items: dict[str, Item], query: Query, *, now: datetime, timezone: str | None = None
) -> tuple[list[Row], int]:
    """One page of the cards matching `query` (PAGE_SIZE per page) and the number matching in all.

    The card's FSRS state is read for every card only when a filter or the sort needs it; otherwise only for the
    page shown (a search of 801 cards then reads at most 50 state rows)."""
    words = query_words(query.q)
    all_marks = marks(db)
    key = query.sort.lstrip("-")
    by_state = key in ("due", "lapses", "reps") or (query.status not in ("", "leech")) or bool(query.due)
    flag = int(query.flagged) if query.flagged.isdigit() else None
    found: list[tuple[Item, Mark]] = []
    for it in items.values():
        if it.kind != "card":
            continue
        if (query.area and it.area != query.area) or (query.topic and it.topic != query.topic):
            continue
        if (query.level and it.level != query.level) or (query.deck and deck_of(it) != query.deck):
            continue
        m = all_marks.get(it.id, NO_MARK)
        if words and not matches(it, words, m.note):
            continue
        if (query.status == "leech" and not m.leech) or (query.flagged == "any" and not m.flag):
            continue
        if (flag is not None and m.flag != flag) or (query.suspended == "yes" and not m.suspended):
            continue
        if (query.suspended == "no" and m.suspended) or (query.suspended == "buried" and not m.buried(now)):
            continue
        found.append((it, m))
    page = max(1, query.page)
    window = slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    if not by_state:
        if key == "topic":
            found.sort(key=lambda f: f[0].topic)
        elif key == "question":
            found.sort(key=lambda f: f[0].question.casefold())
        shown = found[window]
        states = _states(db, [it.id for it, _ in shown])
        return [_row(it, states.get(it.id), m) for it, m in shown], len(found)
    states = _states(db)
    _, end_of_day = day_bounds(now, local_zone(timezone))
    rows = []
    for it, m in found:
        r = _row(it, states.get(it.id), m)
        if query.status not in ("", "leech") and query.status not in (r.state, r.status):
            continue
        if query.due == "now" and not (r.due is not None and r.due <= now):
            continue
        if query.due == "today" and not (r.due is not None and r.due < end_of_day):
            continue
        rows.append(r)
    if key in ("due", "lapses", "reps"):
        far = datetime.max.replace(tzinfo=now.tzinfo)
        getters = {"due": lambda r: r.due or far, "lapses": lambda r: r.lapses, "reps": lambda r: r.reps}
        rows.sort(key=getters[key], reverse=query.sort.startswith("-"))
    return rows[window], len(rows)


@dataclass(frozen=True)
class Event:
    reviewed_at: datetime
    rating: int
    duration_ms: int | None


def history(db: Database, item_id: str) -> list[Event]:
    with db.session() as s:
        rows = s.execute(
            select(Review.reviewed_at, Review.rating, Review.duration_ms)
            .where(Review.item_id == item_id)
            .order_by(Review.id)
        )
        return [Event(*r) for r in rows]


# -- the user's decks ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Deck:
    name: str
    cards: int
    seen: int
    due: int


def decks(db: Database, *, now: datetime) -> list[Deck]:
    """The imported decks, by name, with how many cards are seen and due now."""
    with db.session() as s:
        per_deck = Counter(s.scalars(select(UserCard.deck)))
        seen: Counter[str] = Counter()
        due: Counter[str] = Counter()
        rows = s.execute(select(ItemState.item_id, ItemState.due).where(ItemState.item_id.startswith("user/")))
        for item_id, when in rows:
            name = item_id.split("/")[1]
            seen[name] += 1
            due[name] += when <= now
    return [Deck(n, per_deck[n], seen[n], due[n]) for n in sorted(per_deck)]


def delete_deck(db: Database, deck: str) -> int:
    """Delete an imported deck, its cards' history (states, reviews, marks, reports) with it. Returns the number
    of cards deleted; DeckError if there is no such deck."""
    prefix = f"user/{deck}/"
    with db.session() as s:
        # a DELETE's result is a CursorResult (it has rowcount); SQLAlchemy types execute() as Result
        n = s.execute(delete(UserCard).where(UserCard.deck == deck)).rowcount  # type: ignore[attr-defined]
        if not n:
            raise DeckError(f"no deck '{deck}'")
        for model in (ItemState, Review, CardMark, CardReport):
            column = model.item_id
            s.execute(delete(model).where(column.startswith(prefix, autoescape=True)))
    return int(n)
