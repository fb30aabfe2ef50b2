"""The settings page: study settings, the track and interview plan, the theme, and FSRS fitted to you.

GET  /settings               the form (values as stored) and the plan's status
POST /settings               save the form: every value is checked by the same rules as `mldrill config` and restore
                             (store/backup_check.py); nothing is saved unless all are valid, and the form comes back
                             with the learner's input and what is wrong
POST /settings/theme         the header's switch: auto -> dark -> light -> auto, back to the page it came from
POST /settings/fsrs/fit      fit FSRS to the review log (study/fit.py) and show old vs new
POST /settings/fsrs/apply    store the fitted weights (or null: back to py-fsrs's defaults)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mldrill.catalog import get_catalog
from mldrill.store import Database
from mldrill.store.backup_check import THEMES
from mldrill.study.items import all_items
from mldrill.study.plan import plan_status
from mldrill.study.scheduler import load_settings, save_settings
from mldrill.study.tracks import get_tracks
from mldrill.web.csrf import Csrf

SCOPE = "settings"


def make_router(db: Database, render: Callable[..., HTMLResponse], csrf: Csrf) -> APIRouter:
    router = APIRouter()

    def page(request: Request, *, form: dict[str, Any] | None = None, **ctx: Any) -> HTMLResponse:
        cat = get_catalog()
        settings = load_settings(db)
        stored = asdict(settings)
        shown = form or {
            **stored,
            "learning_steps": " ".join(str(m) for m in settings.learning_steps),
            "timezone": settings.timezone or "",
            "track": settings.track or "",
            "interview_date": settings.interview_date or "",
        }
        return render(
            request,
            "settings.html",
            form=shown,
            settings=settings,
            tracks=get_tracks(cat),
            themes=THEMES,
            plan=plan_status(db, cat, all_items(cat, db), settings=settings),
            csrf=csrf.token(SCOPE),
            page="settings",
            **ctx,
        )

    @router.get("/settings", response_class=HTMLResponse)
    def show(request: Request) -> HTMLResponse:
        return page(request)

    @router.post("/settings", response_class=HTMLResponse, response_model=None)
    def save(
        request: Request,
        new_per_day: str = Form(""),
        desired_retention: str = Form(""),
        learning_steps: str = Form(""),
        timezone: str = Form(""),
        track: str = Form(""),
        interview_date: str = Form(""),
        theme: str = Form("auto"),
        csrf_token: str = Form("", alias="csrf"),
    ) -> HTMLResponse | RedirectResponse:
        csrf.check(SCOPE, csrf_token)
        form = {
            "new_per_day": new_per_day,
            "desired_retention": desired_retention,
            "learning_steps": learning_steps,
            "timezone": timezone,
            "track": track,
            "interview_date": interview_date,
            "theme": theme,
        }
        errors: list[str] = []

        def number(text: str, name: str) -> Any:
            try:
                return json.loads(text.strip())
            except ValueError:
                errors.append(f"{name}: must be a number, got {text!r:.40}")
                return None

        steps: list[Any] = []
        for part in learning_steps.replace(",", " ").split():
            steps.append(number(part, "learning_steps"))
        changes = {
            "new_per_day": number(new_per_day, "new_per_day"),
            "desired_retention": number(desired_retention, "desired_retention"),
            "learning_steps": steps,
            "timezone": timezone.strip() or None,
            "track": track or None,
            "interview_date": interview_date.strip() or None,
            "theme": theme,
        }
        old = load_settings(db)
        if changes["interview_date"] == old.interview_date:
            changes.pop("interview_date")  # unchanged: the plan keeps its start day
        if not errors:
            try:
                save_settings(db, changes)
            except (ValueError, KeyError) as e:
                errors.append(str(e))
        if errors:
            return page(request, form=form, errors=errors)
        return RedirectResponse("/settings?saved=1", status_code=303)

    @router.post("/settings/theme")
    def switch_theme(back: str = Form("/"), csrf_token: str = Form("", alias="csrf")) -> RedirectResponse:
        csrf.check(SCOPE, csrf_token)
        order = {"auto": "dark", "dark": "light", "light": "auto"}
        save_settings(db, {"theme": order.get(load_settings(db).theme, "auto")})
        # only a path of this site (never "//host" or a scheme): the switch cannot redirect elsewhere
        target = back if back.startswith("/") and not back.startswith("//") and "\\" not in back else "/"
        return RedirectResponse(target, status_code=303)

    @router.post("/settings/fsrs/fit", response_class=HTMLResponse)
    def fit_now(request: Request, csrf_token: str = Form("", alias="csrf")) -> HTMLResponse:
        csrf.check(SCOPE, csrf_token)
        from mldrill.study.fit import FitUnavailable, fit

        try:
            result = fit(db, load_settings(db).fsrs_weights)
        except FitUnavailable as e:
            return page(request, errors=[str(e)])
        view = {
            "enough": result.enough,
            "message": result.message,
            "weights_json": result.weights_json,
            "suggested_retention": result.suggested_retention,
        }
        if result.old and result.new:
            view |= {
                "old_retention": result.old.predicted,
                "new_retention": result.new.predicted,
                "actual_retention": result.old.actual,
                "old_loss": result.old.log_loss,
                "new_loss": result.new.log_loss,
            }
        return page(request, fit=view)

    @router.post("/settings/fsrs/apply", response_class=HTMLResponse, response_model=None)
    def apply_fit(
        request: Request, weights: str = Form(...), csrf_token: str = Form("", alias="csrf")
    ) -> HTMLResponse | RedirectResponse:
        csrf.check(SCOPE, csrf_token)
        try:
            save_settings(db, {"fsrs_weights": json.loads(weights)})
        except (ValueError, KeyError) as e:
            return page(request, errors=[str(e)])
        return RedirectResponse("/settings?saved=1", status_code=303)

    return router
