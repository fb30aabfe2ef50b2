"""The client side of the hand-off from `mldrill kata check` to a running `mldrill serve` (see web/local.py): the
token file and the POST. Standard library only, so a check handed to the server imports nothing heavy.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROUTE = "/local/kata-check"
HEADER = "X-Mldrill-Token"


def token_file() -> Path:
    from platformdirs import user_data_path

    return user_data_path("mldrill", appauthor=False) / "serve.json"


def database() -> str:
    """The database this process would use, as the token file records it."""
    return os.environ.get("MLDRILL_DATABASE_URL", "")


class Unavailable(Exception):
    """No server to hand the job to (none running, another database, a stale file): check locally."""


def hand_off(kata_id: str, source: str | None, *, seed: int | None = None, timeout_s: float = 600.0) -> dict[str, Any]:
    """Check through the running server. Unavailable when there is none; RuntimeError for the server's refusal."""
    try:
        info = json.loads(token_file().read_text())
        port, token, pid = int(info["port"]), str(info["token"]), int(info["pid"])
        os.kill(pid, 0)  # a stale file from a server that is gone
    except (OSError, ValueError, KeyError, TypeError):
        raise Unavailable from None
    if info.get("database", "") != database():
        raise Unavailable
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{ROUTE}",
        data=json.dumps({"kata_id": kata_id, "source": source, "seed": seed}).encode(),
        headers={HEADER: token, "Content-Type": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    try:
        with opener.open(request, timeout=timeout_s) as response:
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as e:
        if e.code in (403, 404):  # an unknown kata (checked again here, with suggestions), or not our server
            raise Unavailable from None
        try:
            detail = json.loads(e.read())["detail"]
        except (ValueError, KeyError, TypeError):
            detail = f"HTTP {e.code}"
        raise RuntimeError(str(detail)) from None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
        if isinstance(e, TimeoutError) or isinstance(getattr(e, "reason", None), TimeoutError):
            raise RuntimeError("the running `mldrill serve` did not answer") from None
        raise Unavailable from None
