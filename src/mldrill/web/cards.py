"""The card browser: find any card, see its status and history, and act on it (study/deck.py).

GET  /cards                  search (?q=kv+cache: every word) and filters (area, topic, level, status, due, flagged,
                             suspended, deck), sort and pages of 50
GET  /cards/show?id=ID       one card: question, answer, trap, your note, status, due date, review history, actions
POST /cards/act              suspend | unsuspend | bury | unbury | flag | unflag | note | reset (reset asks first:
                             the form must carry confirm=yes) on the card `item`; back to `back` (a /cards URL)
POST /cards/decks/delete     delete an imported deck and its history (the form must carry confirm=yes)
Every POST carries the CSRF token of scope "cards".
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mldrill.catalog import get_catalog
from mldrill.store import Database, ItemState
from mldrill.study.clock import utcnow
from mldrill.study.deck import (
    FLAGS,
    PAGE_SIZE,
    SORTS,
    STATE_NAMES,
    DeckError,
    Query,
    act,
    browse,
    decks,
    delete_deck,
    get_mark,
    history,
)
from mldrill.study.items import all_items
from mldrill.study.scheduler import RATING_NAMES, load_settings
from mldrill.web.csrf import Csrf

SCOPE = "cards"
FILTERS = ("q", "area", "topic", "level", "status", "due", "flagged", "suspended", "deck", "sort")


def make_router(db: Database, render: Callable[..., HTMLResponse], csrf: Csrf) -> APIRouter:
    router = APIRouter()

    @router.get("/cards", response_class=HTMLResponse)
    def browser(request: Request, page: str = "1") -> HTMLResponse:
        params = {k: request.query_params.get(k, "").strip()[:200] for k in FILTERS}
        if params["sort"] not in SORTS:
            params["sort"] = ""
        number = int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1
        items = all_items(get_catalog(), db)
        now = utcnow()
        rows, total = browse(db, items, Query(**params, page=number), now=now, timezone=load_settings(db).timezone)
        kept = {k: v for k, v in params.items() if v}
        return render(
            request,
            "cards.html",
            rows=rows,
            total=total,
            query=params,
            page_no=number,
            pages=max(1, -(-total // PAGE_SIZE)),
            link=lambda **over: "/cards?" + urlencode({**kept, **over}),
            here="/cards?" + urlencode({**kept, "page": number}),
            decks=decks(db, now=now),
            topics=get_catalog().topics,
            flags=FLAGS,
            now=now,
            csrf=csrf.token(SCOPE),
            page="cards",
        )

    @router.get("/cards/show", response_class=HTMLResponse, response_model=None)
    def card(request: Request, id: str = "") -> HTMLResponse | RedirectResponse:
        if not id:
            return RedirectResponse("/cards", status_code=303)  # no card named: the browser
        items = all_items(get_catalog(), db)
        it = items.get(id)
        if it is None or it.kind != "card":
            raise HTTPException(404, f"no card '{id[:200]}'")
        with db.session() as s:
            st = s.get(ItemState, it.id)
            state = STATE_NAMES.get(st.state, "review") if st else "new"
            due, lapses, status = (st.due, st.lapses, st.status) if st else (None, 0, "new")
        return render(
            request,
            "card.html",
            item=it,
            state=state,
            status=status,
            due=due,
            lapses=lapses,
            mark=get_mark(db, it.id),
            events=history(db, it.id),
            ratings=RATING_NAMES,
            flags=FLAGS,
            now=utcnow(),
            here="/cards/show?" + urlencode({"id": it.id}),
            csrf=csrf.token(SCOPE),
            page="cards",
        )

    @router.post("/cards/act")
    def action(
        item: str = Form(...),
        action: str = Form(...),
        value: str = Form(""),
        confirm: str = Form(""),
        back: str = Form("/cards"),
        csrf_token: str = Form("", alias="csrf"),
    ) -> RedirectResponse:
        csrf.check(SCOPE, csrf_token)
        it = all_items(get_catalog(), db).get(item)
        if it is None or it.kind != "card":
            raise HTTPException(404, f"no card '{item[:200]}'")
        if action == "reset" and confirm != "yes":
            raise HTTPException(422, "reset forgets the card's history: tick the confirmation box to reset it")
        try:
            act(db, it, action, now=utcnow(), value=value, timezone=load_settings(db).timezone)
        except DeckError as e:
            raise HTTPException(422, str(e)) from None
        return RedirectResponse(_safe_back(back), status_code=303)

    @router.post("/cards/decks/delete")
    def remove_deck(
        deck: str = Form(...),
        confirm: str = Form(""),
        back: str = Form("/topics"),
        csrf_token: str = Form("", alias="csrf"),
    ) -> RedirectResponse:
        csrf.check(SCOPE, csrf_token)
        if confirm != "yes":
            raise HTTPException(422, f"deleting deck {deck[:100]} removes its cards and their history: tick the box")
        try:
            delete_deck(db, deck)
        except DeckError as e:
            raise HTTPException(404, str(e)) from None
        return RedirectResponse(_safe_back(back), status_code=303)

    return router


def _safe_back(back: str) -> str:
    """Only a path of this app's card browser, Topics or Today: never another site (an open redirect)."""
    if (back == "/" or back.startswith(("/cards", "/topics", "/drill/"))) and "\\" not in back:
        return back
    return "/cards"
