"""Import / export / backup in the browser: the CLI's import, Anki export, backup and restore behind forms.

GET  /data                 the page
POST /data/import          a .md, .csv, Anki plain-text .txt or .apkg deck (all or nothing; every error names the
                           file and line; what an Anki file held that could not be read is listed)
GET  /data/export.apkg     the Anki package (one deck per area)
GET  /data/backup.json     a full JSON backup
POST /data/restore         replace the history with a backup, once the form's "replace my history" box is ticked
                           (the current one is saved first, and the page links that safety copy for download)
GET  /data/safety/{name}   a safety copy saved before a restore (only the files of <user data>/backups/)
GET  /reports              the card reports the user made while drilling (study/reports.py)
GET  /reports.md           the same as Markdown, to paste into an issue
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from mldrill.catalog import get_catalog
from mldrill.store import Database
from mldrill.store.backup import BackupError, backups_dir, dumps, load_backup, restore, safety_copy
from mldrill.study.anki import build_package, package_bytes
from mldrill.study.importer import MAX_BYTES, ImportFailed, import_file
from mldrill.study.items import all_items
from mldrill.study.reports import content_hash, list_reports
from mldrill.study.reports import to_markdown as reports_to_markdown
from mldrill.web.csrf import Csrf

SAFETY_NAME = re.compile(r"before-restore-[0-9]{8}T[0-9]{6}\.[0-9]{6}Z\.json")
MAX_UPLOAD = MAX_BYTES  # 20 MiB; the guard refuses a larger request body before it is parsed (web/guard.py)


def _save_upload(upload: UploadFile, folder: Path) -> Path:
    # Only the file's own name, in safe characters, never "." or ".." or a hidden name: it is written in `folder`.
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.filename or "").name).lstrip(".") or "upload"
    path = folder / name
    data = upload.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ValueError(f"{name} is larger than {MAX_UPLOAD // 2**20} MiB")
    path.write_bytes(data)
    return path


def make_router(db: Database, render: Callable[..., HTMLResponse], csrf: Csrf) -> APIRouter:
    router = APIRouter()

    def page(request: Request, **ctx: object) -> HTMLResponse:
        folder = backups_dir()
        copies = sorted((p.name for p in folder.glob("before-restore-*.json")), reverse=True) if folder.is_dir() else []
        return render(request, "data.html", csrf=csrf.token("data"), page="data", copies=copies[:5], **ctx)

    @router.get("/data", response_class=HTMLResponse)
    def show(request: Request) -> HTMLResponse:
        return page(request)

    @router.post("/data/import", response_class=HTMLResponse)
    def import_deck(
        request: Request, file: UploadFile = File(...), deck: str = Form(""), csrf_token: str = Form("", alias="csrf")
    ) -> HTMLResponse:
        csrf.check("data", csrf_token)
        with tempfile.TemporaryDirectory() as tmp:
            try:
                path = _save_upload(file, Path(tmp))
                res = import_file(db, path, deck=deck.strip() or None)
            except ImportFailed as e:
                errors = [str(p).replace(f"{tmp}/", "") for p in e.problems]
                return page(request, errors=errors, message="Nothing was imported.")
            except ValueError as e:
                return page(request, errors=[str(e)], message="Nothing was imported.")
        return page(
            request,
            message=f"Deck {res.deck}: {res.added} added, {res.updated} updated.",
            deck=res.deck,
            import_notes=res.notes,
        )

    @router.get("/data/export.apkg")
    def export() -> Response:
        """Built in memory and sent from there: nothing is left in the temp directory."""
        items = [it for it in all_items(get_catalog(), db).values() if it.kind == "card"]
        headers = {"Content-Disposition": 'attachment; filename="mldrill.apkg"'}
        return Response(package_bytes(build_package(items)), media_type="application/octet-stream", headers=headers)

    @router.get("/data/backup.json")
    def backup() -> Response:
        headers = {"Content-Disposition": 'attachment; filename="mldrill-backup.json"'}
        return Response(dumps(db), media_type="application/json", headers=headers)

    @router.post("/data/restore", response_class=HTMLResponse)
    def restore_backup(
        request: Request,
        file: UploadFile = File(...),
        confirm: str = Form(""),
        csrf_token: str = Form("", alias="csrf"),
    ) -> HTMLResponse:
        csrf.check("data", csrf_token)
        if confirm != "yes":
            return page(
                request,
                errors=["Tick “Replace my current history” to restore: restoring replaces every review you have."],
                message="Nothing was restored.",
            )
        with tempfile.TemporaryDirectory() as tmp:
            try:
                data = load_backup(_save_upload(file, Path(tmp)))
            except (BackupError, ValueError) as e:
                return page(request, errors=[str(e).replace(f"{tmp}/", "")], message="Nothing was restored.")
        saved = safety_copy(db)
        counts = restore(db, data)
        note = f" Your previous history was saved to {saved}." if saved else ""
        return page(request, message=f"Restored {counts.get('review', 0)} reviews.{note}", saved=saved)

    @router.get("/data/safety/{name}")
    def safety(name: str) -> Response:
        if not SAFETY_NAME.fullmatch(name) or not (path := backups_dir() / name).is_file():
            raise HTTPException(404, f"no safety copy '{name}'")
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(path.read_bytes(), media_type="application/json", headers=headers)

    @router.get("/reports", response_class=HTMLResponse)
    def reports(request: Request) -> HTMLResponse:
        items = all_items(get_catalog(), db)
        rows = [
            {**asdict(r), "changed": r.item_id in items and content_hash(items[r.item_id]) != r.content_hash}
            for r in list_reports(db)
        ]
        return render(request, "reports.html", reports=rows, items=items, page="data")

    @router.get("/reports.md")
    def reports_markdown() -> Response:
        body = reports_to_markdown(list_reports(db), all_items(get_catalog(), db))
        headers = {"Content-Disposition": 'attachment; filename="mldrill-reports.md"'}
        return Response(body, media_type="text/markdown; charset=utf-8", headers=headers)

    return router
