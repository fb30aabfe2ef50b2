"""The browser drill: the same DrillSession as the terminal, kept per browser session on the server.

GET  /drill                  the start form (?topic=&level=&area=&tag=&track=&limit= prefill it; custom study:
                             extra new cards, review ahead, shaky/unknown only, imported decks) and running sessions;
                             a GET never starts or ends anything, so a link or an <img> elsewhere cannot evict a drill
POST /drill                  start a session with the form's filters and redirect to it; mode=rapid (rapid-fire:
                             one-sentence answers, a countdown of `seconds`, `limit` cards, by track or area) or
                             mode=confused (most-confused pairs: `pair`, or the `limit` most confused) start the
                             study modes of study/rapid.py and study/confused.py on the same drill page
GET  /drill/{sid}            the current card's question (?reveal=1: answer, trap and the four rating buttons; the
                             reveal link also carries the card, the filters and the session's token, which rebuild
                             the session after a restart as a rating does)
POST /drill/{sid}/rate       rate the current card (committed before the next card is shown; a rating naming
                             another card than the current one is dropped, so a double submit rates nothing).
                             The form also carries what the session was started with ("resume": the non-empty
                             fields of its DrillChoice, urlencoded): a rating sent to a server restarted since the
                             page was shown rebuilds the session under the same id from them (study/plan.py's
                             start_drill) and rates the card named, so an open drill goes on (the CSRF secret
                             survives too)
POST /drill/{sid}/undo       take back the last rating, bury, suspend or flag
POST /drill/{sid}/report     "report a problem with this card": the note is kept locally (study/reports.py)
POST /drill/{sid}/mark       bury (until tomorrow), suspend or flag (red; again: unflag) the current card; a buried
                             or suspended card leaves the queue at once
Every POST carries a CSRF token bound to the session id (the start form's to "drill-start"; web/csrf.py), and
web/guard.py refuses any POST from another site first. Keys, as in Anki and the CLI: space reveals (and starts, on
the start form), 1-4 rate, space/enter after the reveal = Good, u or Ctrl+Z undoes, - buries, @ suspends, * flags,
? shows the keys (static/app.js); without JavaScript the links and buttons do the same. A leech (study/deck.py)
is announced on the next page.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hmac
import json
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mldrill.catalog import Catalog, get_catalog
from mldrill.catalog.areas import AREA_BY_ID
from mldrill.catalog.suggest import did_you_mean
from mldrill.store import Database
from mldrill.study.clock import utcnow
from mldrill.study.confused import DIFFERENCE_PROMPT, Pair, PairError, all_pairs
from mldrill.study.deck import get_mark
from mldrill.study.items import USER_AREA, all_items
from mldrill.study.plan import DrillChoice, start_drill
from mldrill.study.rapid import first_sentence
from mldrill.study.reports import ReportError, report_card
from mldrill.study.scheduler import RATING_NAMES, format_interval
from mldrill.study.session import DrillSession
from mldrill.study.tracks import get_tracks
from mldrill.web.csrf import Csrf

MAX_SESSIONS = 64
START_SCOPE = "drill-start"
STATUSES = ("shaky", "unknown", "fluent")
# a form's whole numbers: the field, what it is in words, its bounds
WHOLE = {
    "limit": ("the number of cards", 1, 10_000),
    "extra_new": ("extra new cards", 0, 1000),
    "ahead_days": ("the days to review ahead", 0, 365),
    "seconds": ("the seconds per card", 3, 60),
}
MODES = ("", "rapid", "confused")


def _load_filters(path: Path | None) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    ok = isinstance(data, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())
    return dict(list(data.items())[-MAX_SESSIONS:]) if ok else {}


def pairs_of(cat: Catalog) -> list[Pair]:
    """The confused pairs, or none when the pairs file does not match the catalog (a session then says why)."""
    try:
        return all_pairs(cat)
    except PairError:
        return []


def encode_choice(choice: DrillChoice) -> str:
    """The "resume" string: `choice`'s non-empty fields, urlencoded (a status set comma-joined)."""
    out = {}
    for field in dataclasses.fields(choice):
        value = getattr(choice, field.name)
        if value:
            out[field.name] = ",".join(sorted(value)) if isinstance(value, frozenset) else str(value)
    return urlencode(out)


def make_router(
    db: Database, render: Callable[..., HTMLResponse], csrf: Csrf, state_file: Path | None = None
) -> APIRouter:
    """`state_file`: where the running sessions' choices are kept (beside the CSRF secret), so a page reloaded after a
    restart finds its drill again; None keeps them in memory only."""
    router = APIRouter()
    sessions: dict[str, DrillSession] = {}
    notices: dict[str, str] = {}  # session id -> what the last action did (a leech, a bury), shown once
    chosen: dict[str, DrillChoice] = {}  # what each session was started with ("study N more of this topic")
    # session id -> encode_choice of what it was started with (the rate forms' "resume" field); the previous run's too
    filters: dict[str, str] = _load_filters(state_file)
    lock = threading.Lock()
    token = csrf.token

    def save_filters() -> None:
        if state_file is None:
            return
        from mldrill.store.backup import write_atomic

        with contextlib.suppress(OSError):  # a read-only data directory: the drill works, a restart forgets it
            write_atomic(state_file, json.dumps(dict(list(filters.items())[-MAX_SESSIONS:])))

    def choice_of(form: Mapping[str, str]) -> DrillChoice:
        """The DrillChoice a start form (or a "resume" string's fields) asks for; 422 saying what is wrong."""
        if errors := problems(form):
            raise HTTPException(422, "; ".join(errors))
        numbers = {k: int(form[k]) if form.get(k, "").strip() else None for k in WHOLE}
        return DrillChoice(
            topic=form.get("topic") or None,
            area=form.get("area") or None,
            level=form.get("level") or None,
            tag=form.get("tag") or None,
            track=form.get("track") or None,
            status=frozenset(x for x in form.get("status", "").split(",") if x) or None,
            limit=numbers["limit"],
            extra_new=numbers["extra_new"] or 0,
            ahead_days=numbers["ahead_days"] or 0,
            mode=form.get("mode", ""),
            seconds=numbers["seconds"] or 0,
            pair=form.get("pair") or None,
        )

    def new_session(choice: DrillChoice, sid: str | None = None) -> DrillSession:
        cat = get_catalog()
        try:
            session = start_drill(db, cat, all_items(cat, db), choice)
        except ValueError as e:
            raise HTTPException(422, str(e)) from None
        if sid:  # rebuilt after a restart: the open page's forms name this id (and their tokens are bound to it)
            session.session_id = sid
        with lock:
            if len(sessions) >= MAX_SESSIONS:
                old = next(iter(sessions))
                sessions.pop(old)
                chosen.pop(old, None)
                filters.pop(old, None)
            sessions[session.session_id] = session
            chosen[session.session_id] = choice
            filters.pop(session.session_id, None)
            filters[session.session_id] = encode_choice(choice)
            while len(filters) > MAX_SESSIONS:
                filters.pop(next(iter(filters)))
            save_filters()
        return session

    def get(sid: str) -> DrillSession:
        s = sessions.get(sid)
        if s is None and sid in filters:  # started before a restart (its id is known only to its own pages)
            return revive(sid, filters[sid], "")
        if s is None:
            raise HTTPException(404, "this drill session has ended; start a new one")
        return s

    def problems(form: Mapping[str, str]) -> list[str]:
        """What is wrong with a drill's filters, in words (an unknown id comes with its closest ids)."""
        cat = get_catalog()
        out = []
        topic, area, level = form.get("topic", ""), form.get("area", ""), form.get("level", "")
        tag, track, status = form.get("tag", ""), form.get("track", ""), form.get("status", "")
        if topic and topic not in cat.topics and not topic.startswith(f"{USER_AREA}/"):
            out.append(f"no topic '{topic}'{did_you_mean(topic, cat.topics)}")
        if area and area not in AREA_BY_ID and area != USER_AREA:
            out.append(f"no area '{area}'{did_you_mean(area, AREA_BY_ID)}")
        if level and level not in ("L1", "L2", "L3"):
            out.append(f"no level '{level}': L1, L2 or L3")
        if track and track not in (tracks := get_tracks(cat)):
            out.append(f"no track '{track}'{did_you_mean(track, tracks) or '; tracks: ' + ', '.join(tracks)}")
        if tag and tag not in (tags := {t for it in all_items(cat, db).values() for t in it.tags}):
            out.append(f"no card has the tag '{tag}'{did_you_mean(tag, tags)}")
        mode, pair = form.get("mode", ""), form.get("pair", "")
        if mode not in MODES:
            out.append(f"no drill mode '{mode}': rapid or confused")
        if pair and (mode != "confused" or pair not in (ids := [p.id for p in pairs_of(cat)])):
            out.append(
                f"no pair '{pair}'{did_you_mean(pair, ids) if mode == 'confused' else ' (pairs go with mode confused)'}"
            )
        if set(status.split(",")) - {"", *STATUSES}:
            out.append("status must be shaky, unknown or fluent (comma-separated)")
        for key, (what, lo, hi) in WHOLE.items():
            text = form.get(key, "").strip()
            # at most 6 digits before int(): int() refuses a string of over 4300 digits with a ValueError (a 500)
            if text and not (text.isascii() and text.isdigit() and len(text) <= 6 and lo <= int(text) <= hi):
                out.append(f"'{text:.20}': {what} must be a whole number from {lo} to {hi}")
        return out

    def revive(sid: str, resume: str, item: str) -> DrillSession:
        """The session `sid`; when the server restarted since the page was shown (the caller has checked the
        session's token), rebuilt under the same id from what it was started with, the card on the page first."""
        with lock:
            s = sessions.get(sid)
        if s is None and resume:
            s = new_session(choice_of(dict(parse_qsl(resume, keep_blank_values=True))), sid)
            if item and item in s.queue:  # the card on the page is still to be rated: it is the current one
                s.queue.remove(item)
                s.queue.insert(0, item)
            elif item in s.followups and s.state_of(item) is None:
                # a never-rated follow-up comes only after its card is rated in the session, which the rebuilt one
                # has not seen: it is still the card on the page, brought in by a card that has it as follow-up
                s.queue.insert(0, item)
                parent = next((i.id for i in s.items.values() if item in i.followups and s.state_of(i.id)), None)
                if parent:
                    s.followup_of[item] = parent
        return s or get(sid)

    @router.get("/drill", response_class=HTMLResponse)
    def start_page(
        request: Request,
        topic: str = "",
        level: str = "",
        area: str = "",
        tag: str = "",
        track: str = "",
        limit: str = "",
    ) -> HTMLResponse:
        cat = get_catalog()
        form = {"topic": topic, "level": level, "area": area, "tag": tag, "track": track, "limit": limit}
        errors = problems(form)
        with lock:
            running = [(sid, s) for sid, s in reversed(sessions.items()) if s.queue][:5]
        return render(
            request,
            "drill_start.html",
            form=form,
            tracks=get_tracks(cat),
            topic_title=cat.topics[topic].title if topic in cat.topics else topic,
            running=[(sid, len(s.queue), len(s.history)) for sid, s in running],
            csrf=token(START_SCOPE),
            errors=errors,
            page="drill",
            pairs=pairs_of(cat),
        )

    @router.post("/drill")
    def start(
        topic: str = Form(""),
        level: str = Form(""),
        area: str = Form(""),
        tag: str = Form(""),
        track: str = Form(""),
        status: str = Form(""),
        limit: str = Form(""),
        extra_new: str = Form(""),
        ahead_days: str = Form(""),
        mode: str = Form(""),
        seconds: str = Form(""),
        pair: str = Form(""),
        csrf_token: str = Form("", alias="csrf"),
    ) -> RedirectResponse:
        csrf.check(START_SCOPE, csrf_token)
        form = {"topic": topic, "level": level, "area": area, "tag": tag, "track": track, "status": status}
        form |= {"limit": limit, "extra_new": extra_new, "ahead_days": ahead_days}
        session = new_session(choice_of({**form, "mode": mode, "seconds": seconds, "pair": pair}))
        return RedirectResponse(f"/drill/{session.session_id}", status_code=303)

    @router.get("/drill/{sid}", response_class=HTMLResponse)
    def show(
        request: Request,
        sid: str,
        reveal: int = 0,
        reported: int = 0,
        item: str = "",
        resume: str = "",
        t: str = "",
    ) -> HTMLResponse:
        # The reveal link carries the card, the session's choice and its token (t), so space still shows the answer
        # after a restart; without the token a GET never starts a session (a link elsewhere cannot evict a drill).
        s = revive(sid, resume, item) if t and hmac.compare_digest(token(sid), t) else get(sid)
        card = s.current()
        ctx: dict[str, Any] = {"sid": sid, "csrf": token(sid), "item": card, "summary": s.summary(), "page": "drill"}
        ctx["resume"] = filters.get(sid, "")
        ctx["counts"] = s.counts()
        if card is None:
            nxt = s.next_due()
            ctx["next_due"] = (format_interval(nxt - utcnow()), nxt) if nxt is not None else None
            ctx["more"] = s.more_new if s.cap_reached else 0
            ctx["choice"] = chosen.get(sid)
        ctx["can_undo"] = bool(s.undo_order)
        ctx["mode"], ctx["seconds"] = s.mode, s.seconds
        if card is not None:
            ctx["role"] = s.roles.get(card.id, "")
            ctx["difference"] = DIFFERENCE_PROMPT if ctx["role"].endswith("the one difference") else ""
            ctx["short"] = first_sentence(card.answer) if s.mode == "rapid" else ""
            s.mark_shown(card.id)
            state = s.state_of(card.id)
            ctx["new"] = state is None
            ctx["via"] = s.followup_of.get(card.id)
            ctx["left"] = len(s.queue)
            if reveal:
                previews = s.preview(card.id)
                ctx["buttons"] = [(r, n, format_interval(previews[r])) for r, n in RATING_NAMES.items()]
            ctx["mark"] = get_mark(db, card.id)
        ctx["notice"] = notices.pop(sid, "")
        ctx["reveal"] = bool(reveal and card is not None)
        ctx["reported"] = bool(reported)
        return render(request, "drill.html", **ctx)

    @router.post("/drill/{sid}/rate")
    def rate(
        sid: str,
        rating: int = Form(...),
        item: str = Form(""),
        resume: str = Form(""),
        csrf_token: str = Form("", alias="csrf"),
    ) -> RedirectResponse:
        csrf.check(sid, csrf_token)
        if rating not in RATING_NAMES:
            raise HTTPException(422, "rating must be 1, 2, 3 or 4")
        s = revive(sid, resume, item)
        current = s.current()
        # A rating names the card it was given on; a repeated submit (double press, resent form) finds another card
        # current and is dropped rather than rating a card nobody has seen.
        if current is not None and (not item or item == current.id):
            rated = s.rate(rating)
            if rated.leech:
                notices[sid] = f"Leech: {current.id}: {rated.leech}"
        return RedirectResponse(f"/drill/{sid}", status_code=303)

    @router.post("/drill/{sid}/mark")
    def mark(
        sid: str,
        action: str = Form(...),
        item: str = Form(...),
        reveal: str = Form(""),
        csrf_token: str = Form("", alias="csrf"),
    ) -> RedirectResponse:
        csrf.check(sid, csrf_token)
        s = get(sid)
        current = s.current()
        if current is None or item != current.id:  # a repeated press finds another card current: do nothing
            return RedirectResponse(f"/drill/{sid}", status_code=303)
        if action not in ("bury", "suspend", "flag"):
            raise HTTPException(422, "action must be bury, suspend or flag")
        done = s.mark(item, action)
        if done in ("bury", "suspend"):
            notices[sid] = f"{'Buried until tomorrow' if done == 'bury' else 'Suspended'}: {item} (u undoes)"
            return RedirectResponse(f"/drill/{sid}", status_code=303)
        return RedirectResponse(f"/drill/{sid}?reveal=1" if reveal else f"/drill/{sid}", status_code=303)

    @router.post("/drill/{sid}/report")
    def report(
        sid: str, item: str = Form(...), note: str = Form(""), csrf_token: str = Form("", alias="csrf")
    ) -> RedirectResponse:
        csrf.check(sid, csrf_token)
        s = get(sid)
        if item not in s.items:
            raise HTTPException(422, f"no card '{item}' in this drill")
        try:
            report_card(db, s.items[item], note)
        except ReportError as e:
            raise HTTPException(422, str(e)) from None
        current = s.current()
        back = "?reveal=1&reported=1" if current is not None and current.id == item else "?reported=1"
        return RedirectResponse(f"/drill/{sid}{back}", status_code=303)

    @router.post("/drill/{sid}/undo")
    def undo(sid: str, csrf_token: str = Form("", alias="csrf")) -> RedirectResponse:
        csrf.check(sid, csrf_token)
        s = get(sid)
        back = s.undo()
        if back is not None and s.last_undone != "rating":
            notices[sid] = f"Undone: {s.last_undone} of {back.id}"
        return RedirectResponse(f"/drill/{sid}", status_code=303)

    return router
