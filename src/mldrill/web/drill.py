"""The browser drill: the same DrillSession as the terminal, kept per browser session on the server.

GET  /drill                  the start form (?topic=&level=&area=&tag=&track=&limit= prefill it; custom study:
                             extra new cards, review ahead, shaky/unknown only, imported decks) and running sessions;
                             a GET never starts or ends anything, so a link or an <img> elsewhere cannot evict a drill
POST /drill                  start a session with the form's filters and redirect to it
GET  /drill/{sid}            the current card's question (?reveal=1: answer, trap and the four rating buttons)
POST /drill/{sid}/rate       rate the current card (committed before the next card is shown; a rating naming
                             another card than the current one is dropped, so a double submit rates nothing)
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

import threading
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mldrill.catalog import get_catalog
from mldrill.store import Database
from mldrill.study.clock import utcnow
from mldrill.study.deck import get_mark
from mldrill.study.items import all_items
from mldrill.study.plan import DrillChoice, start_drill
from mldrill.study.reports import ReportError, report_card
from mldrill.study.scheduler import RATING_NAMES, format_interval
from mldrill.study.session import DrillSession
from mldrill.study.tracks import get_tracks
from mldrill.web.csrf import Csrf

MAX_SESSIONS = 64
START_SCOPE = "drill-start"


def make_router(db: Database, render: Callable[..., HTMLResponse], csrf: Csrf) -> APIRouter:
    router = APIRouter()
    sessions: dict[str, DrillSession] = {}
    notices: dict[str, str] = {}  # session id -> what the last action did (a leech, a bury), shown once
    chosen: dict[str, DrillChoice] = {}  # what each session was started with ("study N more of this topic")
    lock = threading.Lock()
    token = csrf.token

    def get(sid: str) -> DrillSession:
        s = sessions.get(sid)
        if s is None:
            raise HTTPException(404, "this drill session has ended; start a new one")
        return s

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
        with lock:
            running = [(sid, s) for sid, s in reversed(sessions.items()) if s.queue][:5]
        return render(
            request,
            "drill_start.html",
            form={"topic": topic, "level": level, "area": area, "tag": tag, "track": track, "limit": limit},
            tracks=get_tracks(cat),
            topic_title=cat.topics[topic].title if topic in cat.topics else topic,
            running=[(sid, len(s.queue), len(s.history)) for sid, s in running],
            csrf=token(START_SCOPE),
            page="drill",
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
        csrf_token: str = Form("", alias="csrf"),
    ) -> RedirectResponse:
        csrf.check(START_SCOPE, csrf_token)
        statuses = frozenset(x for x in status.split(",") if x)
        if statuses - {"shaky", "unknown", "fluent"}:
            raise HTTPException(422, "status must be shaky, unknown or fluent (comma-separated)")
        cat = get_catalog()
        items = all_items(cat, db)
        choice = DrillChoice(
            topic=topic or None,
            area=area or None,
            level=level or None,
            tag=tag or None,
            track=track or None,
            status=statuses or None,
            limit=_whole(limit, "the number of cards", 1, 10_000),
            extra_new=_whole(extra_new, "extra new cards", 0, 1000) or 0,
            ahead_days=_whole(ahead_days, "the days to review ahead", 0, 365) or 0,
        )
        try:
            session = start_drill(db, cat, items, choice)
        except ValueError as e:
            raise HTTPException(422, str(e)) from None
        with lock:
            if len(sessions) >= MAX_SESSIONS:
                chosen.pop(sessions.pop(next(iter(sessions))).session_id, None)
            sessions[session.session_id] = session
            chosen[session.session_id] = choice
        return RedirectResponse(f"/drill/{session.session_id}", status_code=303)

    @router.get("/drill/{sid}", response_class=HTMLResponse)
    def show(request: Request, sid: str, reveal: int = 0, reported: int = 0) -> HTMLResponse:
        s = get(sid)
        item = s.current()
        ctx: dict[str, Any] = {"sid": sid, "csrf": token(sid), "item": item, "summary": s.summary(), "page": "drill"}
        ctx["counts"] = s.counts()
        if item is None:
            nxt = s.next_due()
            ctx["next_due"] = (format_interval(nxt - utcnow()), nxt) if nxt is not None else None
            ctx["more"] = s.more_new if s.cap_reached else 0
            ctx["choice"] = chosen.get(sid)
        ctx["can_undo"] = bool(s.undo_order)
        if item is not None:
            s.mark_shown(item.id)
            state = s.state_of(item.id)
            ctx["new"] = state is None
            ctx["via"] = s.followup_of.get(item.id)
            ctx["left"] = len(s.queue)
            if reveal:
                previews = s.preview(item.id)
                ctx["buttons"] = [(r, n, format_interval(previews[r])) for r, n in RATING_NAMES.items()]
            ctx["mark"] = get_mark(db, item.id)
        ctx["notice"] = notices.pop(sid, "")
        ctx["reveal"] = bool(reveal and item is not None)
        ctx["reported"] = bool(reported)
        return render(request, "drill.html", **ctx)

    @router.post("/drill/{sid}/rate")
    def rate(
        sid: str, rating: int = Form(...), item: str = Form(""), csrf_token: str = Form("", alias="csrf")
    ) -> RedirectResponse:
        csrf.check(sid, csrf_token)
        s = get(sid)
        if rating not in RATING_NAMES:
            raise HTTPException(422, "rating must be 1, 2, 3 or 4")
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


def _whole(text: str, what: str, lo: int, hi: int) -> int | None:
    """A form's whole number in [lo, hi] (None when empty); 422 saying what is wrong otherwise."""
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and lo <= int(text) <= hi):
        raise HTTPException(422, f"{what} must be a whole number from {lo} to {hi}")
    return int(text)
