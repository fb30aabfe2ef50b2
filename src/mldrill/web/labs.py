"""Labs in the browser: `/labs` grouped by area, `/labs/NAME` with a GET form of sliders and selects that re-renders
the figure in place (htmx selects `#lab-result` from the same full page; without JavaScript it is a plain GET form),
the "predict first" question (POSTed and stored before the figure is shown), the numbers as a table under each
figure, and "export as a script" (the lab's own module with a main that runs the chosen parameters).

A run is a read-only computation, so it is a GET with query parameters; results are cached on disk
(`mldrill.labs._core.run_lab`), so a page drawn once before opens in milliseconds.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from mldrill.catalog.areas import AREAS
from mldrill.labs._core import Lab, LabError, cached_defaults, coerce, get_lab, lab_ids, lab_infos, run_lab
from mldrill.store import Database
from mldrill.study.labs import prediction_of, record_prediction
from mldrill.web.csrf import Csrf


def lab_or_404(lab_id: str) -> Lab:
    if lab_id not in lab_ids():
        raise HTTPException(404, f"no lab '{lab_id}'")
    return get_lab(lab_id)


def topic_labs(card_links: set[str]) -> list[dict[str, Any]]:
    """For a topic page: each lab its cards link, with the default figure when it has been drawn (no lab import)."""
    out = []
    for lab_id in sorted(card_links & set(lab_ids())):
        result = cached_defaults(lab_id)
        out.append({"id": lab_id, "figure": result.figures[0] if result and result.figures else None})
    return out


def script(lab: Lab, params: dict[str, Any]) -> str:
    """A standalone file: the lab's module source, then a main that runs it with `params` and writes the SVGs."""
    source = inspect.getsource(lab.module)
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return (
        f"# Reproduces the mldrill lab '{lab.id}' ({lab.title}) with mldrill.ref.\n"
        f"# Run: python {lab.id}.py   (needs `pip install mldrill`); writes {lab.id}-N.svg here.\n\n"
        + source
        + f"""

if __name__ == "__main__":
    from pathlib import Path

    result = run({args})
    for i, fig in enumerate(result.figures, 1):
        Path(f"{lab.id}-{{i}}.svg").write_text(fig.svg, encoding="utf-8")
        print(fig.title)
        print(" | ".join(fig.table.columns))
        for row in fig.table.rows:
            print(" | ".join(str(v) for v in row))
    print(result.text)
"""
    )


def make_router(db: Database, render: Callable[..., HTMLResponse], csrf: Csrf) -> APIRouter:
    router = APIRouter()

    @router.get("/labs", response_class=HTMLResponse)
    def list_labs(request: Request) -> HTMLResponse:
        labs = lab_infos()  # from the sources: listing imports no lab
        groups = [(a, sorted((x for x in labs if x.area == a.id), key=lambda x: x.title)) for a in AREAS]
        return render(request, "labs.html", groups=[g for g in groups if g[1]], count=len(labs), page="labs")

    @router.get("/labs/{lab_id}", response_class=HTMLResponse)
    def show(request: Request, lab_id: str) -> HTMLResponse:
        lab = lab_or_404(lab_id)
        raw = {k: v for k, v in request.query_params.items() if k in lab.params}
        unknown = sorted(set(request.query_params) - set(lab.params))
        error, result = None, None
        try:
            if unknown:
                raise LabError(f"no parameter {', '.join(unknown)}; this lab's parameters: {', '.join(lab.params)}")
            params = coerce(lab, raw)
        except LabError as e:
            error, params = str(e), lab.defaults
        prediction = prediction_of(db, lab.id) if lab.predict else None
        if error is None and (lab.predict is None or prediction is not None):
            result = run_lab(lab, params)
        query = urlencode(params)
        resp = render(
            request,
            "lab.html",
            lab=lab,
            params=params,
            result=result,
            error=error,
            prediction=prediction,
            csrf=csrf.token(f"lab:{lab.id}"),
            query=query,
            page="labs",
        )
        if error:
            resp.status_code = 422
        return resp

    @router.post("/labs/{lab_id}/predict")
    def predict(
        request: Request, lab_id: str, choice: int = Form(...), csrf_token: str = Form("", alias="csrf")
    ) -> RedirectResponse:
        lab = lab_or_404(lab_id)
        csrf.check(f"lab:{lab.id}", csrf_token)
        if lab.predict is None:
            raise HTTPException(404, f"lab '{lab.id}' has no predict-first question")
        if not 0 <= choice < len(lab.predict.choices):
            raise HTTPException(422, f"choice must be 0..{len(lab.predict.choices) - 1}")
        record_prediction(db, lab.id, choice, choice == lab.predict.answer)
        try:  # back to the same parameters the learner was looking at
            query = urlencode(coerce(lab, {k: v for k, v in request.query_params.items() if k in lab.params}))
        except LabError:
            query = ""
        return RedirectResponse(f"/labs/{lab.id}?{query}#prediction", status_code=303)

    @router.get("/labs/{lab_id}/script.py", response_class=PlainTextResponse)
    def export_script(request: Request, lab_id: str) -> PlainTextResponse:
        lab = lab_or_404(lab_id)
        try:
            params = coerce(lab, dict(request.query_params))
        except LabError as e:
            raise HTTPException(422, str(e)) from None
        headers = {"Content-Disposition": f'attachment; filename="{lab.id}.py"'}
        return PlainTextResponse(script(lab, params), media_type="text/x-python; charset=utf-8", headers=headers)

    return router
