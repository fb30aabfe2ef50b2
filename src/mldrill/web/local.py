"""The hand-off from `mldrill kata check` to a running `mldrill serve`: the server's warm grader answers in tens of
milliseconds where a fresh CLI process would first start its own worker.

Only this user's own processes can use it, and no web page: `mldrill serve` writes a random token to
`<data dir>/serve.json`, readable by the user alone, and the endpoint answers only a request that carries that token
in a header (a cross-origin page cannot send one without a CORS preflight, which is never granted) and carries no
`Origin` or `Sec-Fetch-Site` header (every browser request does). The file also names the port, the server's pid
and its database, so a CLI that uses another database checks by itself.

The client (the token file, the POST) is web/handoff.py.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
import signal
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from mldrill.store import Database
from mldrill.web.handoff import HEADER, ROUTE, database, token_file

MAX_SOURCE = 100_000


@contextlib.contextmanager
def published(app: FastAPI, port: int) -> Iterator[None]:
    """While the server runs: the endpoint accepts `token`, and the token file says where to find it."""
    token = secrets.token_urlsafe(32)
    app.state.local_token = token
    path = token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".serve.{os.getpid()}.json")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when a leftover file had other permissions
    with os.fdopen(fd, "w") as f:
        json.dump({"port": port, "token": token, "pid": os.getpid(), "database": database()}, f)
    os.replace(tmp, path)
    # uvicorn re-raises a SIGTERM after its graceful shutdown: make that an exit that runs the cleanup below
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        app.state.local_token = None
        with contextlib.suppress(OSError, ValueError):
            if json.loads(path.read_text())["token"] == token:  # not a newer server's
                path.unlink()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def make_router(db: Database) -> APIRouter:
    router = APIRouter()

    @router.post(ROUTE, include_in_schema=False)
    async def kata_check(request: Request) -> dict[str, Any]:
        expected = getattr(request.app.state, "local_token", None)
        if request.headers.get("origin") is not None or request.headers.get("sec-fetch-site") is not None:
            raise HTTPException(403, "not for browsers")
        if not expected or not hmac.compare_digest(request.headers.get(HEADER, ""), expected):
            raise HTTPException(403, "bad or missing token")
        raw = await request.body()
        if len(raw) > 4 * MAX_SOURCE + 1024:
            raise HTTPException(413, f"the solution is over {MAX_SOURCE} characters")
        try:
            body = json.loads(raw)
            kata_id, source, seed = str(body["kata_id"]), body.get("source"), body.get("seed")
        except (ValueError, KeyError, TypeError):
            raise HTTPException(400, "expected a JSON object with kata_id and source") from None
        if seed is not None and (type(seed) is not int or not 0 <= seed < 2**63):
            raise HTTPException(400, "the seed must be an integer in [0, 2**63)")
        return await run_in_threadpool(_check, db, kata_id, source, seed)

    return router


def _check(db: Database, kata_id: str, source: str | None, seed: int | None = None) -> dict[str, Any]:
    """What `mldrill kata check --json` prints, computed here."""
    from mldrill.catalog.katas import get_katas
    from mldrill.grader.api import KataUnavailable, check
    from mldrill.study.katas import record_attempt, workspace_path
    from mldrill.study.scheduler import RATING_NAMES

    kata = get_katas().get(kata_id)
    if kata is None:
        raise HTTPException(404, f"no kata '{kata_id}'")
    if source is None:  # the workspace file, which this server shares with the CLI
        path = workspace_path(kata)
        if not path.is_file():
            raise HTTPException(400, f"{path} does not exist; run `mldrill kata start {kata.id}` first, or pass a file")
        source = path.read_text(encoding="utf-8")
    if not isinstance(source, str):
        raise HTTPException(400, "the source must be text")
    try:
        verdict = check(kata.id, source, seed=seed)
    except KataUnavailable as e:
        raise HTTPException(409, str(e)) from None
    result = record_attempt(db, kata, verdict, source)
    return {
        **verdict.to_dict(),
        "attempt": result.attempts,
        "rating": result.rating,
        "rating_name": RATING_NAMES.get(result.rating) if result.rating is not None else None,
        "due": result.due.isoformat() if result.due else None,
    }
