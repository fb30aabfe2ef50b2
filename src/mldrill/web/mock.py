"""Mock interviews in the browser: the same study/mock_run.py as `mldrill mock`, its state in the database.

GET  /mock                          the start form (length, track or areas, levels) and past mocks with their trend
POST /mock                          start one and redirect to it
GET  /mock/{mock_id}                the current step: a question (type the answer; a clock per answer and one for the
                                    whole session), its review (the vetted answer, key points to tick, the trap,
                                    the rating), the kata (the kata editor, checks in the sandbox), or the report
POST /mock/{mock_id}/answer         the typed answer of the card on screen
POST /mock/{mock_id}/ticks          the key points hit, the trap, the rating (empty: from the ticks); next step
POST /mock/{mock_id}/kata/draft     autosave of the kata editor (into the mock, so a restart keeps it)
POST /mock/{mock_id}/kata/check     check the kata in the sandbox (a kata attempt, as on the kata page)
POST /mock/{mock_id}/kata/finish    give the kata up (rated Again) and end the mock
POST /mock/{mock_id}/end            end the mock now
GET  /mock/{mock_id}/report         the report; /mock/{mock_id}/report.md downloads it as Markdown
Every POST carries a CSRF token bound to the mock ("mock:<id>"; the start form's to "mock-start"). Times are the
server's: a card is shown when its row is created (the POST before the page), answered when its answer is received.
A form sent twice names a card that is no longer current and changes nothing; the answer being typed is kept in the
browser's localStorage until it is sent (static/mock.js), so a reload loses nothing.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from mldrill.catalog import get_catalog
from mldrill.catalog.katas import get_katas
from mldrill.store import Database
from mldrill.study import answer_check
from mldrill.study.clock import utcnow
from mldrill.study.items import all_items
from mldrill.study.mock import ANSWER_TARGET, MINUTES, rating_from_ticks, timing
from mldrill.study.mock_report import to_markdown, trend_rows
from mldrill.study.mock_run import (
    MAX_ANSWER,
    MockChoice,
    MockError,
    current,
    end_kata,
    end_mock,
    get_mock,
    kata_checked,
    list_mocks,
    report,
    save_kata_source,
    start_mock,
    submit_answer,
    submit_ticks,
)
from mldrill.study.scheduler import load_settings
from mldrill.study.tracks import get_tracks
from mldrill.web.csrf import Csrf

START_SCOPE = "mock-start"
MAX_SOURCE = 100_000
MAX_SEED = 2**63 - 1  # SQLite's largest integer


def _whole(text: str, hi: int) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= hi


def make_router(db: Database, render: Callable[..., HTMLResponse], csrf: Csrf) -> APIRouter:
    router = APIRouter()
    warming: list[threading.Thread] = []  # started once per app
    # Each start form carries a fresh nonce; a second post of the same form (a double click, a resend after a slow
    # response) goes to the mock the first one started instead of starting another. Kept for the last 256 starts.
    started: OrderedDict[str, int] = OrderedDict()

    def scope(mock_id: int) -> str:
        return f"mock:{mock_id}"

    def exists(mock_id: int) -> None:
        try:
            get_mock(db, mock_id)
        except MockError as e:
            raise HTTPException(404, str(e)) from None

    def start_page(request: Request, errors: list[str] | None = None, status: int = 200) -> HTMLResponse:
        cat = get_catalog()
        rows = trend_rows(list_mocks(db, cat, all_items(cat, db), now=utcnow()))
        response = render(
            request,
            "mock_start.html",
            csrf=csrf.token(START_SCOPE),
            nonce=secrets.token_hex(16),
            tracks=get_tracks(cat),
            my_track=load_settings(db).track,
            minutes=MINUTES,
            past=list(reversed(rows)),
            errors=errors or [],
            target=ANSWER_TARGET,
            page="mock",
        )
        response.status_code = status
        return response

    @router.get("/mock", response_class=HTMLResponse)
    def start_form(request: Request) -> HTMLResponse:
        return start_page(request)

    @router.post("/mock", response_model=None)
    async def start(request: Request) -> Response:
        form = await request.form()
        csrf.check(START_SCOPE, str(form.get("csrf", "")))
        nonce = str(form.get("nonce", ""))[:64]
        if nonce in started:
            return RedirectResponse(f"/mock/{started[nonce]}", status_code=303)
        minutes = str(form.get("minutes", "30"))
        seed = str(form.get("seed", "")).strip()
        # ASCII digits, bounded: "²".isdigit() is True but int("²") raises, and int() refuses over 4300 digits
        if not _whole(minutes, MAX_SEED) or (seed and not _whole(seed, MAX_SEED)):
            return start_page(request, [f"the length and the seed are whole numbers from 0 to {MAX_SEED}"], 422)
        areas = tuple(str(a) for a in form.getlist("area") if a)
        choice = MockChoice(
            minutes=int(minutes),
            track=None if areas else str(form.get("track", "")) or None,  # ticked areas replace the track
            areas=areas,
            levels=tuple(str(lv) for lv in form.getlist("level")) or ("L1", "L2", "L3"),
            seed=int(seed) if seed else None,
        )
        cat = get_catalog()
        try:
            mock_id = start_mock(db, cat, all_items(cat, db), choice, now=utcnow())
        except MockError as e:
            return start_page(request, [str(e)], 422)
        if nonce:
            started[nonce] = mock_id
            while len(started) > 256:
                started.popitem(last=False)
        return RedirectResponse(f"/mock/{mock_id}", status_code=303)

    @router.get("/mock/{mock_id}", response_model=None)
    def step(request: Request, mock_id: int) -> Response:
        exists(mock_id)
        return step_page(request, mock_id)

    def step_page(request: Request, mock_id: int, **ctx: object) -> Response:
        cur = current(db, mock_id)
        if cur.phase == "done" and "verdict" not in ctx:
            return RedirectResponse(f"/mock/{mock_id}/report", status_code=303)
        if cur.phase == "answer" and not warming:  # the answer check's model loads while the answer is typed
            warming.append(threading.Thread(target=answer_check.warm, name="answer-check-warm", daemon=True))
            warming[0].start()
        cat = get_catalog()
        items = all_items(cat, db)
        item = items.get(cur.row.item_id) if cur.row is not None else None
        kata = get_katas().get(cur.mock.kata_id or "")
        proposed = None
        if cur.phase == "review" and cur.row is not None and cur.row.key_points:
            proposed = rating_from_ticks(cur.row.suggested or [False] * len(cur.row.key_points), False)
        return render(
            request,
            "mock.html",
            cur=cur,
            m=cur.mock,
            item=item,
            kata=kata,
            csrf=csrf.token(scope(mock_id)),
            target=ANSWER_TARGET,
            now=utcnow(),
            proposed=proposed,
            max_answer=MAX_ANSWER,
            page="mock",
            **ctx,
        )

    @router.post("/mock/{mock_id}/answer")
    def answer(
        mock_id: int, item: str = Form(...), answer: str = Form(""), csrf_token: str = Form("", alias="csrf")
    ) -> RedirectResponse:
        csrf.check(scope(mock_id), csrf_token)
        exists(mock_id)
        items = all_items(get_catalog(), db)
        it = items.get(item)
        try:
            submit_answer(db, mock_id, item, answer, now=utcnow(), trap=it.trap if it else "")
        except MockError as e:
            raise HTTPException(413, str(e)) from None
        return RedirectResponse(f"/mock/{mock_id}#review", status_code=303)

    @router.post("/mock/{mock_id}/ticks")
    async def ticks(request: Request, mock_id: int) -> RedirectResponse:
        form = await request.form()
        csrf.check(scope(mock_id), str(form.get("csrf", "")))
        exists(mock_id)
        cur = current(db, mock_id)
        item = str(form.get("item", ""))
        n = len(cur.row.key_points) if cur.row is not None and cur.row.item_id == item else 0
        hit = {str(v) for v in form.getlist("hit")}
        marks = [str(i) in hit for i in range(n)]
        rating_text = str(form.get("rating", ""))
        if rating_text not in ("", "1", "2", "3", "4"):
            raise HTTPException(422, f"a rating is 1-4 or empty (from the ticks), got {rating_text!r:.20}")
        cat = get_catalog()
        try:
            submit_ticks(
                db, cat, all_items(cat, db), mock_id, item, ticks=marks, trap_fell=form.get("trap") == "1",
                rating=int(rating_text) if rating_text else None, now=utcnow(),
            )  # fmt: skip
        except MockError as e:
            raise HTTPException(422, str(e)) from None
        return RedirectResponse(f"/mock/{mock_id}", status_code=303)

    @router.post("/mock/{mock_id}/kata/draft")
    def kata_draft(mock_id: int, source: str = Form(...), csrf_token: str = Form("", alias="csrf")) -> Response:
        csrf.check(scope(mock_id), csrf_token)
        exists(mock_id)
        if len(source) > MAX_SOURCE:
            raise HTTPException(413, f"the solution is over {MAX_SOURCE} characters")
        save_kata_source(db, mock_id, source)
        return Response(status_code=204)

    @router.post("/mock/{mock_id}/kata/check", response_model=None)
    def kata_check(
        request: Request, mock_id: int, source: str = Form(...), csrf_token: str = Form("", alias="csrf")
    ) -> Response:
        csrf.check(scope(mock_id), csrf_token)
        exists(mock_id)
        if len(source) > MAX_SOURCE:
            raise HTTPException(413, f"the solution is over {MAX_SOURCE} characters")
        cur = current(db, mock_id)
        if cur.phase != "kata" or not cur.mock.kata_id:
            return RedirectResponse(f"/mock/{mock_id}", status_code=303)
        save_kata_source(db, mock_id, source)  # first: a crash while checking loses nothing
        from mldrill.grader.api import KataUnavailable
        from mldrill.grader.api import check as run_check

        try:
            verdict = run_check(cur.mock.kata_id, source)
        except KataUnavailable as e:
            raise HTTPException(422, str(e)) from None
        kata_checked(db, mock_id, verdict, source, now=utcnow())
        return step_page(request, mock_id, verdict=verdict)

    @router.post("/mock/{mock_id}/kata/finish")
    def kata_finish(mock_id: int, csrf_token: str = Form("", alias="csrf")) -> RedirectResponse:
        csrf.check(scope(mock_id), csrf_token)
        exists(mock_id)
        end_kata(db, mock_id, now=utcnow())
        return RedirectResponse(f"/mock/{mock_id}/report", status_code=303)

    @router.post("/mock/{mock_id}/end")
    def end(mock_id: int, csrf_token: str = Form("", alias="csrf")) -> RedirectResponse:
        csrf.check(scope(mock_id), csrf_token)
        exists(mock_id)
        end_mock(db, mock_id, now=utcnow())
        return RedirectResponse(f"/mock/{mock_id}/report", status_code=303)

    @router.get("/mock/{mock_id}/report", response_class=HTMLResponse)
    def report_page(request: Request, mock_id: int) -> HTMLResponse:
        exists(mock_id)
        cat = get_catalog()
        r = report(db, cat, all_items(cat, db), mock_id, now=utcnow())
        return render(request, "mock_report.html", r=r, target=ANSWER_TARGET, timing=timing, page="mock")

    @router.get("/mock/{mock_id}/report.md", response_class=PlainTextResponse)
    def report_md(mock_id: int) -> PlainTextResponse:
        exists(mock_id)
        cat = get_catalog()
        text = to_markdown(report(db, cat, all_items(cat, db), mock_id, now=utcnow()))
        headers = {"Content-Disposition": f'attachment; filename="mldrill-mock-{mock_id}.md"'}
        return PlainTextResponse(text, media_type="text/markdown; charset=utf-8", headers=headers)

    return router
