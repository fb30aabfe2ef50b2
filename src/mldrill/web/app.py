"""`create_app()`: the FastAPI application behind `mldrill serve`.

Routes parse the request, call one function of catalog/study, and render a template; no logic lives here.
Pages read without JavaScript; KaTeX (vendored) typesets the formulas when scripts run.
Pages: Today, Topics, a Topic, the practice log (with Markdown/CSV export) and Stats (charts as inline SVG drawn by
web/charts.py) here; the drill (web/drill.py), katas (web/katas.py), mock interviews (web/mock.py) and
import/export/backup (web/data.py) in their own routers. htmx swaps the part of a page that changes (the drill's card,
a kata's verdict, the log's table) by selecting it from the same full page the route renders, so every interaction
also works as a plain link or form.
"""

from __future__ import annotations

import inspect
from functools import cache, lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from mldrill.catalog import get_catalog
from mldrill.catalog.areas import AREA_BY_ID, AREAS
from mldrill.catalog.katas import get_katas
from mldrill.catalog.suggest import did_you_mean
from mldrill.render import md_for_terminal, md_to_html, tex_to_text
from mldrill.store import Database, open_db
from mldrill.study.clock import utcnow
from mldrill.study.deck import decks
from mldrill.study.items import all_items
from mldrill.study.log import COLUMNS as LOG_COLUMNS
from mldrill.study.log import LogRow, practice_log, to_csv, to_markdown
from mldrill.study.mock import mostly_seen
from mldrill.study.plan import plan_status, today_counts
from mldrill.study.scheduler import load_settings
from mldrill.study.stats import compute_stats, due_forecast, retention_by_week, reviews_per_day, topic_progress
from mldrill.study.status import STATUSES
from mldrill.study.tracks import get_tracks
from mldrill.web import charts
from mldrill.web.csrf import Csrf
from mldrill.web.drill import START_SCOPE
from mldrill.web.guard import Guard
from mldrill.web.labs import topic_labs

HERE = Path(__file__).resolve().parent
LOG_PAGE = 100  # practice-log rows per page: the whole log (every item practised) is in the exports


# Markdown is rendered and sanitized once per distinct text: catalog text never changes while the server runs, and
# the same input always gives the same HTML (the Topic page renders ~75 snippets; this keeps it inside its budget).
_md_html = lru_cache(maxsize=16_384)(md_to_html)
_plain_text = lru_cache(maxsize=16_384)(md_for_terminal)


@cache
def _highlighted(ref: str) -> Markup | None:
    """The source of a `mldrill.ref` object, syntax-highlighted (None when it cannot be read)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    from mldrill.catalog.validate import resolve_ref

    try:
        source = inspect.getsource(resolve_ref(ref))  # type: ignore[arg-type]
    except (ImportError, AttributeError, TypeError, OSError):
        return None
    return Markup(highlight(source, PythonLexer(), HtmlFormatter(cssclass="code")))


def _secret_file(db: Database) -> Path | None:
    """The CSRF secret's file: beside a SQLite database, else in the user data directory; None for an in-memory
    database (nothing else survives a restart either)."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return Path(url.database).resolve().parent / "web-secret"
    from platformdirs import user_data_path

    return user_data_path("mldrill", appauthor=False) / "web-secret"


def create_app(database_url: str | None = None, *, host: str = "127.0.0.1", port: int | None = None) -> FastAPI:
    """`host` and `port`: where `serve` listens; the app answers only requests addressed there (web/guard.py)."""
    db: Database = open_db(database_url)
    app = FastAPI(title="mldrill", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(Guard, hosts=[host], port=port)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["md"] = lambda text: Markup(_md_html(text or ""))
    templates.env.filters["tex_text"] = tex_to_text
    templates.env.filters["plain"] = _plain_text  # markdown with $math$ as readable text (the log's questions)
    templates.env.globals["areas"] = AREA_BY_ID
    secret = _secret_file(db)
    csrf = Csrf(secret)
    templates.env.globals["start_csrf"] = csrf.token(START_SCOPE)  # the "Start drilling" buttons' POST form

    templates.env.globals["settings_csrf"] = csrf.token("settings")  # the header's theme switch

    def render(request: Request, name: str, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("theme", load_settings(db).theme)  # <html data-theme>: dark mode without a flash
        return templates.TemplateResponse(request, name, ctx)

    def error_page(request: Request, status: int, detail: Any, headers: Any = None) -> Response:
        """Browsers (and htmx) get a page saying what went wrong; scripts get FastAPI's JSON."""
        if "text/html" not in request.headers.get("accept", "") and "hx-request" not in request.headers:
            return JSONResponse({"detail": detail}, status_code=status, headers=headers)
        titles = {400: "Cannot use that", 403: "Not yet", 404: "Not found", 405: "Not like that", 413: "Too large"}
        titles[422] = "Cannot use that"
        ctx = {"status": status, "title": titles.get(status, "Something went wrong"), "detail": detail, "page": ""}
        return templates.TemplateResponse(request, "error.html", ctx, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_page(request, exc.status_code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        """A query or form value of the wrong type (`?reveal=abc`): said in words on a page, not as a JSON dump."""
        if "text/html" not in request.headers.get("accept", "") and "hx-request" not in request.headers:
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        words = []
        for e in exc.errors():
            where = " ".join(str(p) for p in e.get("loc", ())[1:]) or "the request"
            words.append(f"{where}: {e.get('msg', 'invalid')}" + (f" (got {e['input']!r:.60})" if "input" in e else ""))
        return error_page(request, 422, "; ".join(words))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/", response_class=HTMLResponse)
    def today(request: Request) -> HTMLResponse:
        cat = get_catalog()
        items = all_items(cat, db)
        settings = load_settings(db)
        plan = plan_status(db, cat, items, settings=settings)
        return render(
            request,
            "today.html",
            stats=compute_stats(db, items, settings=settings),
            decks=decks(db, now=utcnow()),
            counts=today_counts(db, cat, items, settings=settings),
            plan=plan,
            mock_hint=mostly_seen(plan.seen, plan.total),  # study/mock.py: a 30-minute mock is a good next step
            tracks=get_tracks(cat),
            settings=settings,
            items=items,
            page="today",
        )

    @app.get("/topics", response_class=HTMLResponse)
    def topics(request: Request) -> HTMLResponse:
        cat = get_catalog()
        progress = topic_progress(db, cat)
        groups = [(a, [t for t in cat.topics.values() if t.area == a.id]) for a in AREAS]
        return render(
            request,
            "topics.html",
            groups=[g for g in groups if g[1]],
            progress=progress,
            decks=decks(db, now=utcnow()),
            cards_csrf=csrf.token("cards"),
            page="topics",
        )

    @app.get("/topics/{topic_id}", response_class=HTMLResponse)
    def topic(request: Request, topic_id: str) -> HTMLResponse:
        cat = get_catalog()
        t = cat.topics.get(topic_id)
        if t is None:
            raise HTTPException(404, f"no topic '{topic_id}'{did_you_mean(topic_id, cat.topics)}")
        refs = sorted({r for c in t.cards for r in c.refs})
        katas = get_katas()
        kata_ids = sorted(
            {k for c in t.cards for k in c.katas if k in katas} | {k.id for k in katas.values() if k.spec.topic == t.id}
        )
        return render(
            request,
            "topic.html",
            topic=t,
            progress=topic_progress(db, cat, only=t.id)[t.id],
            refs=[(r, _highlighted(r)) for r in refs],
            katas=[katas[k] for k in kata_ids],
            labs=topic_labs({lab for c in t.cards for lab in c.labs}),
            page="topics",
        )

    def _log_rows(status: str | None, area: str | None, level: str | None, sort: str) -> list[LogRow]:
        items = all_items(get_catalog(), db)
        wanted = {s for s in (status or "").split(",") if s in STATUSES} or None
        rows = [
            r
            for r in practice_log(db, items, status=wanted)
            if (not area or (items.get(r.item) and items[r.item].area == area)) and (not level or r.level == level)
        ]
        if sort.lstrip("-") in LOG_COLUMNS:
            rows.sort(key=attrgetter(sort.lstrip("-")), reverse=sort.startswith("-"))
        return rows

    @app.get("/log", response_class=HTMLResponse)
    def log(
        request: Request,
        status: str | None = None,
        area: str | None = None,
        level: str | None = None,
        sort: str = "",
        page: int = 1,
    ) -> HTMLResponse:
        rows = _log_rows(status, area, level, sort)
        pages = max(1, -(-len(rows) // LOG_PAGE))
        page = min(max(page, 1), pages)
        query = {"status": status or "", "area": area or "", "level": level or "", "sort": sort}
        return render(
            request,
            "log.html",
            rows=rows[(page - 1) * LOG_PAGE : page * LOG_PAGE],
            total=len(rows),
            first=(page - 1) * LOG_PAGE + 1,
            pager={"page": page, "pages": pages},
            query=query,
            statuses=STATUSES,
            page="log",
        )

    @app.get("/log.{fmt}", response_class=PlainTextResponse)
    def log_export(
        fmt: str, status: str | None = None, area: str | None = None, level: str | None = None
    ) -> PlainTextResponse:
        if fmt not in ("md", "csv"):
            raise HTTPException(404, "export as .md or .csv")
        rows = _log_rows(status, area, level, "")
        body, media = (to_markdown(rows), "text/markdown") if fmt == "md" else (to_csv(rows), "text/csv")
        headers = {"Content-Disposition": f'attachment; filename="mldrill-log.{fmt}"'}
        return PlainTextResponse(body, media_type=f"{media}; charset=utf-8", headers=headers)

    @app.get("/stats", response_class=HTMLResponse)
    def stats(request: Request) -> HTMLResponse:
        items = all_items(get_catalog(), db)
        settings = load_settings(db)
        chart_svgs = {
            "heatmap": charts.heatmap(reviews_per_day(db, settings=settings)),
            "retention": charts.retention_chart(retention_by_week(db, settings=settings)),
            "forecast": charts.forecast_chart(due_forecast(db, items, settings=settings)),
        }
        stats = compute_stats(db, items, settings=settings)
        return render(request, "stats.html", stats=stats, charts=chart_svgs, page="stats")

    from mldrill.web import cards, data, drill, katas, labs, local, mock, settings

    app.include_router(drill.make_router(db, render, csrf, secret.with_name("drills.json") if secret else None))
    app.include_router(data.make_router(db, render, csrf))
    app.include_router(katas.make_router(db, render, csrf))
    app.include_router(cards.make_router(db, render, csrf))
    app.include_router(local.make_router(db))
    app.include_router(settings.make_router(db, render, csrf))
    app.include_router(labs.make_router(db, render, csrf))
    app.include_router(mock.make_router(db, render, csrf))
    app.state.db = db
    return app
