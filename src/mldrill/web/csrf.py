"""CSRF tokens: an HMAC of a scope (a drill session id, "drill-start", "data", "kata:<id>") with a secret.

Every state-changing form carries one; a forged cross-site POST cannot know it. The app binds 127.0.0.1 only, but a
page on another origin could still make the browser post to it. web/guard.py refuses such a POST first by its
Origin / Sec-Fetch-Site headers and refuses foreign Host names (DNS rebinding, which could read a token); the
token is the layer for clients that send neither header.

The secret lives in a file of the data directory (owner-only, 0600), so a restarted server accepts the tokens of
the pages that are still open; a secret that cannot be read or written there stays in memory for this process.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from fastapi import HTTPException

SECRET_BYTES = 32


def _load_or_create(path: Path) -> bytes:
    try:
        data = path.read_bytes()
        if len(data) == SECRET_BYTES and (path.stat().st_mode & 0o077) == 0:
            return data
    except OSError:
        pass
    secret = secrets.token_bytes(SECRET_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secret)
        os.replace(tmp, path)
    except OSError:
        return secret
    return path.read_bytes()  # another process may have written its own in between: the file wins


class Csrf:
    def __init__(self, secret_file: Path | None = None) -> None:
        self._secret = _load_or_create(secret_file) if secret_file else secrets.token_bytes(SECRET_BYTES)

    def token(self, scope: str) -> str:
        return hmac.new(self._secret, scope.encode(), hashlib.sha256).hexdigest()

    def check(self, scope: str, value: str) -> None:
        if not hmac.compare_digest(self.token(scope), value or ""):
            raise HTTPException(403, "bad or missing CSRF token")
