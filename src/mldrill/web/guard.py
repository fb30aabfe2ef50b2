"""Which requests the app answers at all: a pure ASGI middleware in front of every route, static files included.

- Host allowlist. The server listens on the loopback, but a page on the internet can rebind its own DNS name to
  127.0.0.1 and then read our pages as same-origin (a kata's CSRF token, the whole backup). Its requests still
  carry its name in `Host`, so only 127.0.0.1, localhost, [::1] and the address `serve` bound (each with or
  without the served port) are answered; anything else gets a plain 400 that says nothing about the app.
- State-changing methods (POST/PUT/PATCH/DELETE) from another site are refused with 403 before any route runs:
  `Sec-Fetch-Site` other than same-origin/none, or an `Origin` that is not one of ours (http, an allowed host,
  the served port). Browsers send at least one of the two on every cross-site POST; the per-form CSRF tokens
  (web/csrf.py) stay as the layer for clients that send neither.
- A request body over `max_body` bytes (by its Content-Length, or counted as it streams in) gets 413 before the
  form parser spools it to disk: uploads are 20 MiB at most (web/data.py), and nothing else needs more.
- Every response carries headers that keep pages out of other sites' frames, stop MIME sniffing, keep URLs (a
  drill's session id) out of the Referer sent to external links, and a Content-Security-Policy that lets only our
  own scripts run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAFE_FETCH_SITES = frozenset({"same-origin", "none"})  # "none": typed in the address bar, a bookmark
MAX_BODY = 21 * 1024 * 1024  # a 20 MiB upload plus its multipart framing

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"content-security-policy", CSP.encode()),
]


class _TooLarge(BaseException):
    """Raised from `receive` when a streamed body passes the limit. A BaseException, because the route's form
    parsing turns any Exception into a 400 and the answer must be 413."""


def _plain(status: int, body: bytes) -> list[dict[str, Any]]:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    return [
        {"type": "http.response.start", "status": status, "headers": headers + SECURITY_HEADERS},
        {"type": "http.response.body", "body": body},
    ]


TOO_LARGE = (413, f"Payload Too Large: at most {MAX_BODY // 2**20} MiB\n".encode())


def _bracket(host: str) -> str:
    """An IPv6 literal as it appears in a Host header: [::1]."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class Guard:
    """`hosts`: names the app answers to (besides the loopback ones); `port`: the served port, or None when unknown
    (tests, an app mounted elsewhere), which accepts any port in Host and Origin."""

    def __init__(self, app: Any, hosts: Iterable[str] = (), port: int | None = None, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body
        self.hosts = frozenset(h.lower() for h in (*LOOPBACK, *(_bracket(h) for h in hosts)))
        self.port = port

    def allowed_host(self, value: str) -> bool:
        """`value` is a Host header (or an Origin without its scheme): an allowed name, optionally :port."""
        value = value.lower()
        if value in self.hosts:
            return True
        name, sep, port = value.rpartition(":")
        if not sep or name not in self.hosts or not port.isdigit() or not port.isascii():
            return False
        return self.port is None or int(port) == self.port

    def allowed_origin(self, origin: str) -> bool:
        scheme, sep, rest = origin.partition("://")
        return scheme == "http" and bool(sep) and "/" not in rest and self.allowed_host(rest)

    def refusal(self, scope: dict[str, Any]) -> tuple[int, bytes] | None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host")
        if host is None or not self.allowed_host(host):
            return 400, b"Bad Request: this server answers only http://127.0.0.1 and localhost\n"
        if scope.get("method", "GET").upper() in UNSAFE_METHODS:
            site = headers.get("sec-fetch-site")
            origin = headers.get("origin")
            if site is not None and site.lower() not in SAFE_FETCH_SITES:
                return 403, b"Forbidden: a request from another site cannot change anything here\n"
            if origin is not None and not self.allowed_origin(origin):
                return 403, b"Forbidden: a request from another origin cannot change anything here\n"
        length = headers.get("content-length", "0")
        if not (length.isascii() and length.isdigit()) or int(length) > self.max_body:
            return TOO_LARGE
        return None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refused = self.refusal(scope)
        if refused is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            for message in _plain(*refused):
                await send(message)
            return
        received = 0
        started = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal received
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:  # a chunked body with no Content-Length
                    raise _TooLarge
            return message

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except _TooLarge:
            if started:
                raise
            for message in _plain(*TOO_LARGE):
                await send(message)
