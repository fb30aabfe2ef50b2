"""Every value of a backup checked before a restore writes anything: types, ranges, allowed values, ids.

A backup is a file from anywhere (an old version, a hand edit, an attacker's page), and a restored value is trusted
by every page afterwards: a bad time zone, a `new_per_day` of "abc" or an infinite stability restored fine and then
made Today, Stats and the drill fail on every visit. So each row of each table is checked field by field against
its column (type, NOT NULL, length, 32-bit integers) and the rules of its meaning (ratings 1-4, FSRS states and
ranges, statuses, settings as `mldrill config` accepts them); the first problem is reported as
`table T, row N (key), field F: what is wrong, got V`.

Ids that name no current content (a card or kata removed in a later version, a review of a card whose deck is gone)
are kept on purpose, as orphans: content changes between versions and a user's history is never dropped; every
page skips items it cannot find. An id must still be well formed (a kata's item id is `kata/<id>`, a user card's is
`user/<its deck>/...`) and primary keys must be unique. A mock answer whose session is missing is kept too (an
orphan, as above); its report is simply not listed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String, Table, Text

from mldrill.store.models import Base, UTCDateTime

INT32 = 2**31 - 1  # PostgreSQL's INTEGER
MAX_DEPTH = 32  # JSON values (a kata verdict): deeper is no verdict this app wrote
KINDS = ("card", "kata")
KATA_STATUSES = ("passed", "failed", "error", "timeout", "memory", "rejected")
THEMES = ("auto", "light", "dark")
MAX_NOTE = 5000  # a card report's note (study/reports.py)


class RowProblem(ValueError):
    pass


def _depth(v: Any, limit: int) -> int:
    """Nesting depth of a JSON value, stopping at `limit` + 1 (iterative: a deep value cannot exhaust the stack)."""
    deepest, stack = 0, [(v, 1)]
    while stack:
        x, d = stack.pop()
        if d > limit:
            return d
        deepest = max(deepest, d)
        if isinstance(x, dict):
            stack.extend((y, d + 1) for y in x.values())
        elif isinstance(x, list):
            stack.extend((y, d + 1) for y in x)
    return deepest


def _column_value(table: Table, name: str, v: Any) -> Any:
    """`v` checked against the column's type and nullability; a time comes back parsed."""
    col = table.columns[name]
    if v is None:
        if not col.nullable or col.primary_key:
            raise RowProblem("is required")
        return None
    t = col.type
    if isinstance(t, UTCDateTime):
        if not isinstance(v, str):
            raise RowProblem(f"must be an ISO 8601 time, got {v!r:.80}")
        try:
            when = datetime.fromisoformat(v)
        except ValueError:
            raise RowProblem(f"is not an ISO 8601 time, got {v!r:.80}") from None
        if when.tzinfo is None:
            raise RowProblem(f"must carry its UTC offset (e.g. +00:00), got {v!r:.80}")
        return when
    if isinstance(t, Integer):
        if isinstance(v, bool) or not isinstance(v, int) or not -INT32 - 1 <= v <= INT32:
            raise RowProblem(f"must be a whole number, got {v!r:.80}")
    elif isinstance(t, Float):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise RowProblem(f"must be a finite number, got {v!r:.80}")
    elif isinstance(t, String | Text):
        if not isinstance(v, str):
            raise RowProblem(f"must be text, got {v!r:.80}")
        length = getattr(t, "length", None)
        if length is not None and len(v) > length:
            raise RowProblem(f"must be at most {length} characters, got {len(v)}")
    elif isinstance(t, JSON) and _depth(v, MAX_DEPTH) > MAX_DEPTH:
        raise RowProblem(f"is nested deeper than {MAX_DEPTH} levels")
    return v


def _one_of(allowed: tuple[Any, ...]) -> Callable[[Any], None]:
    def check(v: Any) -> None:
        if v not in allowed or isinstance(v, bool):
            raise RowProblem(f"must be one of {', '.join(map(str, allowed))}, got {v!r:.80}")

    return check


def _between(lo: float, hi: float, *, lo_open: bool = False) -> Callable[[Any], None]:
    def check(v: Any) -> None:
        if v is not None and not (lo < v <= hi if lo_open else lo <= v <= hi):
            raise RowProblem(f"must be {'>' if lo_open else '>='} {lo:g} and <= {hi:g}, got {v!r:.80}")

    return check


def _nonempty(v: Any) -> None:
    if not v.strip():
        raise RowProblem("must not be empty")


def _max_chars(n: int) -> Callable[[Any], None]:
    def check(v: Any) -> None:
        if len(v) > n:
            raise RowProblem(f"must be at most {n} characters, got {len(v)}")

    return check


def _sha256(v: Any) -> None:
    if len(v) != 64 or v.strip("0123456789abcdef"):
        raise RowProblem(f"must be a sha256 in hex (64 characters 0-9a-f), got {v!r:.80}")


def _tags(v: Any) -> None:
    if not isinstance(v, list) or not all(isinstance(t, str) for t in v):
        raise RowProblem(f"must be a list of texts, got {v!r:.80}")


def _boolean(v: Any) -> None:
    if not isinstance(v, bool):
        raise RowProblem(f"must be true or false, got {v!r:.80}")


def _object(v: Any) -> None:
    if not isinstance(v, dict):
        raise RowProblem(f"must be a JSON object, got {type(v).__name__}")


def _item_state_snapshot(v: Any) -> None:
    """A review's `prev_state`: the item's state before it (undo restores it), field by field."""
    if v is None:
        return
    _object(v)
    table = Base.metadata.tables["item_state"]
    unknown = set(v) - set(table.columns.keys())
    if unknown:
        raise RowProblem(f"has unknown keys {sorted(unknown)}")
    for key, value in v.items():
        if value is None:
            continue
        try:
            _column_value(table, key, value)
            for rule in _rules()["item_state"].get(key, ()):
                rule(value)
        except RowProblem as e:
            raise RowProblem(f"key {key} {e}") from None


def _rules() -> dict[str, dict[str, tuple[Callable[[Any], None], ...]]]:
    from mldrill.catalog.schema import LEVELS
    from mldrill.study.status import STATUSES

    return {
        "item_state": {
            "item_id": (_nonempty,),
            "kind": (_one_of(KINDS),),
            "state": (_one_of((1, 2, 3)),),  # fsrs.State: learning, review, relearning
            "step": (_between(0, 100),),
            "stability": (_between(0, 1e7, lo_open=True),),  # days
            "difficulty": (_between(1, 10),),  # FSRS keeps D in [1, 10]
            "reps": (_between(0, INT32),),
            "lapses": (_between(0, INT32),),
            "status": (_one_of(STATUSES),),
        },
        "review": {
            "id": (_between(1, INT32),),
            "item_id": (_nonempty,),
            "kind": (_one_of(KINDS),),
            "rating": (_one_of((1, 2, 3, 4)),),
            "duration_ms": (_between(0, INT32),),
            "prev_state": (_item_state_snapshot,),
        },
        "user_card": {
            "id": (_nonempty,),
            "deck": (_nonempty,),
            "level": (_one_of(LEVELS),),
            "question": (_nonempty,),
            "answer": (_nonempty,),
            "tags": (_tags,),
        },
        "setting": {"key": (_one_of(tuple(setting_checks())),)},
        "kata_attempt": {
            "id": (_between(1, INT32),),
            "kata_id": (_nonempty,),
            "status": (_one_of(KATA_STATUSES),),
            "passed_checks": (_between(0, INT32),),
            "total_checks": (_between(0, INT32),),
            "duration_s": (_between(0, 1e6),),
            "verdict": (_object,),
        },
        "kata_progress": {"kata_id": (_nonempty,), "hints_shown": (_between(0, 1000),)},
        "card_report": {
            "id": (_between(1, INT32),),
            "item_id": (_nonempty,),
            "note": (_nonempty, _max_chars(MAX_NOTE)),
            "content_hash": (_sha256,),
        },
        "lab_prediction": {"lab_id": (_nonempty,), "choice": (_between(0, 100),)},  # types, NOT NULL: by column
        "card_mark": {
            "item_id": (_nonempty,),
            "suspended": (_boolean,),
            "leech": (_boolean,),
            "flag": (_one_of(tuple(range(8))),),  # Anki's flags: 0 none, 1-7 colours
            "note": (_max_chars(MAX_NOTE),),
        },
        "mock_session": {
            "id": (_between(1, INT32),),
            "minutes": (_one_of((15, 30, 45)),),  # study/mock.py MINUTES
            "scope": (_object,),
            "plan": (_mock_plan,),
            "kata_status": (_one_of((*KATA_STATUSES, "not checked")),),
            "kata_checks": (_between(0, INT32),),
            "kata_source": (_max_chars(100_000),),  # web/mock.py MAX_SOURCE
        },
        "mock_answer": {
            "id": (_between(1, INT32),),
            "mock_id": (_between(1, INT32),),
            "position": (_between(0, 10_000),),
            "item_id": (_nonempty,),
            "answer": (_max_chars(20_000),),  # study/mock_run.py MAX_ANSWER
            "key_points": (_texts,),
            "suggested": (_flags,),
            "ticks": (_flags,),
            "rating": (_one_of((1, 2, 3, 4)),),
            "review_id": (_between(1, INT32),),
        },
    }


def _texts(v: Any) -> None:
    if not isinstance(v, list) or not all(isinstance(t, str) for t in v):
        raise RowProblem(f"must be a list of texts, got {v!r:.80}")


def _flags(v: Any) -> None:
    if not isinstance(v, list) or not all(isinstance(t, bool) for t in v):
        raise RowProblem(f"must be a list of true/false, got {v!r:.80}")


def _mock_plan(v: Any) -> None:
    """What study/mock.py's MockPlan.from_dict reads back: the main cards, the follow-ups and the budget."""
    _object(v)
    for key, kind in (("minutes", int), ("card_slots", int), ("card_seconds", int), ("kata_seconds", int)):
        if isinstance(v.get(key), bool) or not isinstance(v.get(key), kind):
            raise RowProblem(f"key {key} must be a whole number, got {v.get(key)!r:.80}")
    _texts(v.get("main"))
    fu = v.get("followups")
    if not isinstance(fu, dict) or not all(isinstance(k, str) for k in fu):
        raise RowProblem(f"key followups must map card ids to lists of card ids, got {fu!r:.80}")
    for ids in fu.values():
        _texts(ids)
    if v.get("kata") is not None and not isinstance(v.get("kata"), str):
        raise RowProblem(f"key kata must be a kata id or null, got {v.get('kata')!r:.80}")


def setting_checks() -> dict[str, Callable[[Any], None]]:
    """Every setting and its rule: the one copy used by `mldrill config`, the /settings page and restore
    (study/scheduler.py reads them). Each check raises RowProblem (a ValueError) saying what is wrong."""

    def number(lo: float, hi: float, *, whole: bool) -> Callable[[Any], None]:
        def check(v: Any) -> None:
            kinds = int if whole else int | float
            if isinstance(v, bool) or not isinstance(v, kinds) or not (math.isfinite(v) and lo <= v <= hi):
                what = "a whole number" if whole else "a number"
                raise RowProblem(f"must be {what} from {lo:g} to {hi:g}, got {v!r:.80}")

        return check

    def boolean(v: Any) -> None:
        if not isinstance(v, bool):
            raise RowProblem(f"must be true or false, got {v!r:.80}")

    def zone(v: Any) -> None:
        from zoneinfo import ZoneInfo

        if v is None:
            return
        try:
            if not isinstance(v, str) or not v or v.startswith(("/", ".")) or ".." in v:
                raise ValueError
            ZoneInfo(v)
        except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
            raise RowProblem(f"must be an IANA time zone such as Europe/Paris, got {v!r:.80}") from None

    def steps(v: Any) -> None:
        whole = number(1, 1440, whole=True)
        if not isinstance(v, list) or len(v) > 10:
            raise RowProblem(f"must be a list of at most 10 steps in minutes, e.g. [1, 10], got {v!r:.80}")
        for m in v:
            whole(m)

    def track(v: Any) -> None:
        if v is None:
            return
        from mldrill.catalog import get_catalog
        from mldrill.study.tracks import get_tracks

        known = get_tracks(get_catalog())
        if v not in known:
            raise RowProblem(f"must be one of {', '.join(known)} (or null for none), got {v!r:.80}")

    def day(v: Any) -> None:
        from datetime import date

        if v is None:
            return
        try:
            if not isinstance(v, str) or len(v) != 10:
                raise ValueError
            date.fromisoformat(v)
        except ValueError:
            raise RowProblem(f"must be a date as YYYY-MM-DD (or null for none), got {v!r:.80}") from None

    def theme(v: Any) -> None:
        if v not in THEMES:
            raise RowProblem(f"must be one of {', '.join(THEMES)}, got {v!r:.80}")

    def weights(v: Any) -> None:
        from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

        if v is None:
            return
        n = len(LOWER_BOUNDS_PARAMETERS)
        if not isinstance(v, list) or len(v) != n:
            raise RowProblem(f"must be a list of {n} FSRS weights (or null for the defaults), got {v!r:.80}")
        for i, (w, lo, hi) in enumerate(zip(v, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)):
            if isinstance(w, bool) or not isinstance(w, int | float) or not (math.isfinite(w) and lo <= w <= hi):
                raise RowProblem(f"weight {i} must be a number from {lo:g} to {hi:g}, got {w!r:.80}")

    return {
        "desired_retention": number(0.7, 0.99, whole=False),
        "new_per_day": number(0, 1000, whole=True),
        "fuzz": boolean,
        "learn_ahead_minutes": number(0, 1440, whole=True),
        "timezone": zone,
        "leech_threshold": number(1, 1000, whole=True),
        "leech_action": _one_of(("suspend", "tag")),
        "learning_steps": steps,
        "track": track,
        "interview_date": day,
        "plan_start": day,
        "theme": theme,
        "fsrs_weights": weights,
    }


def _row_key(name: str, row: dict[str, Any]) -> str:
    table = Base.metadata.tables[name]
    keys = [str(row.get(c.name))[:60] for c in table.primary_key.columns]
    return f" ({', '.join(keys)})" if any(k != "None" for k in keys) else ""


def _cross_checks(name: str, row: dict[str, Any]) -> None:
    """Rules between fields of one row; raises RowProblem('field: ...')."""
    if name in ("item_state", "review"):
        is_kata = row["item_id"].startswith("kata/")
        if is_kata != (row["kind"] == "kata"):
            raise RowProblem(f"kind: {row['kind']!r} does not match the item id {row['item_id']!r:.80}")
    if name == "item_state":
        if row["state"] in (1, 3) and row.get("step") is None:
            raise RowProblem("step: is required in the learning and relearning states")
        for field in ("stability", "difficulty"):
            if row.get(field) is None:
                raise RowProblem(f"{field}: is required once an item has been reviewed")
    if name == "user_card" and not row["id"].startswith(f"user/{row['deck']}/"):
        raise RowProblem(f"id: must start with 'user/{row['deck']}/' (its deck), got {row['id']!r:.80}")
    for field in ("ticks", "suggested"):  # the CLI's review reads suggested[i] for every key point i
        if name == "mock_answer" and row.get(field) is not None and len(row[field]) != len(row["key_points"]):
            raise RowProblem(f"{field}: one per key point expected")
    if name == "kata_attempt" and row["passed_checks"] > row["total_checks"]:
        raise RowProblem("passed_checks: more than total_checks")
    if name == "setting":
        try:
            setting_checks()[row["key"]](row["value"])
        except RowProblem as e:
            raise RowProblem(f"value: {row['key']} {e}") from None


def checked_rows(name: str, rows: Any) -> list[dict[str, Any]]:
    """The table's rows ready to insert (times parsed), or RowProblem naming table, row and field."""
    table = Base.metadata.tables[name]
    if not isinstance(rows, list):
        raise RowProblem(f"table {name}: must be a list of rows, got {type(rows).__name__}")
    rules = _rules()[name]
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for i, row in enumerate(rows):
        where = f"table {name}, row {i}"
        if not isinstance(row, dict):
            raise RowProblem(f"{where}: must be an object, got {type(row).__name__}")
        unexpected = set(row) - set(table.columns.keys())
        if unexpected:
            raise RowProblem(f"{where}: unexpected columns {sorted(unexpected)}")
        where += _row_key(name, row)
        clean: dict[str, Any] = {}
        for col in table.columns:
            v = row.get(col.name)
            try:
                clean[col.name] = _column_value(table, col.name, v)
                if v is not None:
                    for rule in rules.get(col.name, ()):
                        rule(v)
            except RowProblem as e:
                raise RowProblem(f"{where}, field {col.name}: {e}") from None
        try:
            _cross_checks(name, row)
        except RowProblem as e:
            raise RowProblem(f"{where}, field {e}") from None
        key = tuple(row.get(c.name) for c in table.primary_key.columns)
        if key in seen:
            raise RowProblem(f"{where}: the same {', '.join(table.primary_key.columns.keys())} appears twice")
        seen.add(key)
        out.append(clean)
    return out
