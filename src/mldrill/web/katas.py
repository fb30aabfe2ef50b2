"""Katas in the browser: statement, a CodeMirror editor (a plain textarea without JavaScript), run checks in the
sandbox, the verdict per check with the trap it guards, hints one at a time, the solution after an attempt.

The draft is the same workspace file `mldrill kata start` writes; the editor autosaves it (and keeps a copy in the
browser's localStorage), and every check saves it first, so a reload or a server crash loses nothing typed.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from mldrill.catalog import get_catalog
from mldrill.catalog.areas import AREAS
from mldrill.catalog.katas import Kata, get_katas
from mldrill.catalog.schema import Card
from mldrill.catalog.suggest import did_you_mean
from mldrill.store import Database
from mldrill.study.clock import utcnow
from mldrill.study.katas import (
    KataStatus,
    attempts_of,
    hints_shown,
    is_real_attempt,
    kata_area,
    kata_statuses,
    load_draft,
    next_hint,
    record_attempt,
    save_draft,
    select_katas,
)
from mldrill.web.csrf import Csrf

MAX_SOURCE = 100_000


_WORD = re.compile(r"[a-z0-9]{3,}")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def explaining_cards(kata: Kata) -> list[Card]:
    """Where the kata's traps are taught: the cards that list it in `katas:`, or, when none does, the cards of its
    topic."""
    cat = get_catalog()
    listing = [c for t in cat.topics.values() for c in t.cards if kata.id in c.katas]
    topic = cat.topics.get(kata.spec.topic)
    return listing or list(topic.cards if topic else [])


def card_for_failure(explanation: str, cards: list[Card]) -> Card | None:
    """The card whose question, answer and trap share the most words with a failed check's explanation (the
    first card wins a tie); None when no card shares a word."""
    said = _words(explanation)
    best, best_score = None, 0.0
    for c in cards:
        shared = len(said & _words(f"{c.question} {c.answer} {c.trap}"))
        score = shared / (len(said) or 1)
        if shared and score > best_score:
            best, best_score = c, score
    return best


def make_router(db: Database, render: Callable[..., HTMLResponse], csrf: Csrf) -> APIRouter:
    router = APIRouter()

    def kata_or_404(kata_id: str) -> Kata:
        katas = get_katas()
        kata = katas.get(kata_id)
        if kata is None:
            raise HTTPException(404, f"no kata '{kata_id}'{did_you_mean(kata_id, katas)}")
        return kata

    def page(request: Request, kata: Kata, **ctx: object) -> HTMLResponse:
        attempts = attempts_of(db, kata.id)
        verdict = ctx.get("verdict")
        cards = explaining_cards(kata)
        explains = {}
        if verdict is not None:
            # ctx values are typed as object; a "verdict" passed here is always a grader Verdict
            for c in verdict.checks:  # type: ignore[attr-defined]
                if not c.passed and (card := card_for_failure(c.explanation, cards)) is not None:
                    explains[c.name] = card
        topic = get_catalog().topics.get(kata.spec.topic)
        return render(
            request,
            "kata.html",
            kata=kata,
            source=ctx.pop("source", None) or load_draft(kata),
            hints=hints_shown(db, kata),
            attempts=len(attempts),
            history=list(reversed(attempts)),
            unlocked=any(is_real_attempt(kata, a.source or "") for a in attempts),
            solved=any(a.status == "passed" for a in attempts),
            csrf=csrf.token(f"kata:{kata.id}"),
            missing=kata.missing_requirement(),
            topic=topic,
            explains=explains,
            page="katas",
            **ctx,
        )

    @router.get("/katas", response_class=HTMLResponse)
    def list_katas(
        request: Request, level: str = "", framework: str = "", area: str = "", show: str = ""
    ) -> HTMLResponse:
        """Every kata by area, with its level, framework, how many classic bugs its checks catch, and your
        progress; filtered by level, framework, area and progress (all, unsolved, solved, due for review)."""
        now = utcnow()
        katas = sorted(get_katas().values(), key=lambda k: (k.spec.level, k.spec.title))
        statuses = kata_statuses(db, katas)
        kept = select_katas(statuses, level=level, framework=framework, area=area, show=show, now=now)
        by_area: dict[str, list[KataStatus]] = {}
        for st in kept:
            by_area.setdefault(kata_area(st.kata), []).append(st)
        return render(
            request,
            "katas.html",
            groups=[(a, by_area[a.id]) for a in AREAS if a.id in by_area],
            shown=len(kept),
            total=len(statuses),
            n_solved=sum(st.solved for st in statuses),
            n_due=sum(st.due is not None and st.due <= now for st in statuses),
            now=now,
            query={"level": level, "framework": framework, "area": area, "show": show},
            page="katas",
        )

    @router.get("/katas/{kata_id}", response_class=HTMLResponse)
    def show(request: Request, kata_id: str) -> HTMLResponse:
        return page(request, kata_or_404(kata_id))

    @router.post("/katas/{kata_id}/check", response_class=HTMLResponse)
    def check(
        request: Request, kata_id: str, source: str = Form(...), csrf_token: str = Form("", alias="csrf")
    ) -> HTMLResponse:
        kata = kata_or_404(kata_id)
        csrf.check(f"kata:{kata.id}", csrf_token)
        if len(source) > MAX_SOURCE:
            raise HTTPException(413, f"the solution is over {MAX_SOURCE} characters")
        save_draft(kata, source)  # first: a crash while checking loses nothing
        if kata.missing_requirement():
            return page(request, kata, source=source)
        from mldrill.grader.api import check as run_check

        verdict = run_check(kata.id, source)
        result = record_attempt(db, kata, verdict, source)
        return page(request, kata, source=source, verdict=verdict, result=result)

    @router.post("/katas/{kata_id}/draft")
    def draft(kata_id: str, source: str = Form(...), csrf_token: str = Form("", alias="csrf")) -> Response:
        kata = kata_or_404(kata_id)
        csrf.check(f"kata:{kata.id}", csrf_token)
        if len(source) > MAX_SOURCE:
            raise HTTPException(413, f"the solution is over {MAX_SOURCE} characters")
        save_draft(kata, source)
        return Response(status_code=204)

    @router.post("/katas/{kata_id}/reset")
    def reset(kata_id: str, csrf_token: str = Form("", alias="csrf")) -> RedirectResponse:
        """Put the starter back in the editor (the page asks first; your attempts keep their sources)."""
        kata = kata_or_404(kata_id)
        csrf.check(f"kata:{kata.id}", csrf_token)
        save_draft(kata, kata.starter())
        return RedirectResponse(f"/katas/{kata.id}", status_code=303)

    @router.post("/katas/{kata_id}/hint")
    def hint(kata_id: str, csrf_token: str = Form("", alias="csrf")) -> RedirectResponse:
        kata = kata_or_404(kata_id)
        csrf.check(f"kata:{kata.id}", csrf_token)
        next_hint(db, kata)
        return RedirectResponse(f"/katas/{kata.id}#hints", status_code=303)

    @router.get("/katas/{kata_id}/solution", response_class=HTMLResponse)
    def solution(request: Request, kata_id: str) -> HTMLResponse:
        kata = kata_or_404(kata_id)
        if not any(is_real_attempt(kata, a.source or "") for a in attempts_of(db, kata.id)):
            raise HTTPException(403, "try it first: the solution opens after one attempt that changes the starter")
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        code = Markup(highlight(inspect.getsource(kata.solution()), PythonLexer(), HtmlFormatter(cssclass="code")))
        return render(request, "kata_solution.html", kata=kata, code=code, page="katas")

    return router
