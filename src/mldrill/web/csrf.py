"""CSRF tokens: an HMAC of a scope (a drill session id, "drill-start", "data", "kata:<id>") with a per-process secret.

Every state-changing form carries one; a forged cross-site POST cannot know it. The app binds 127.0.0.1 only, but a
page on another origin could still make the browser post to it. web/guard.py refuses such a POST first by its
Origin / Sec-Fetch-Site headers and refuses foreign Host names (DNS rebinding, which could read a token); the
token is the layer for clients that send neither header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException


class Csrf:
    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    def token(self, scope: str) -> str:
        return hmac.new(self._secret, scope.encode(), hashlib.sha256).hexdigest()

    def check(self, scope: str, value: str) -> None:
        if not hmac.compare_digest(self.token(scope), value or ""):
            raise HTTPException(403, "bad or missing CSRF token")
