"""Requests from strangers (web/guard.py): a forged Host (DNS rebinding) gets a plain 400 on every page; a
state-changing request from another site gets 403 before any route runs, even with a valid CSRF token, and changes
nothing; every GET route leaves the database as it found it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.store import open_db
from mldrill.store.backup import TABLES, _table, dumps
from mldrill.web.app import create_app

PORT = 8765
PAGES = [
    "/",
    "/topics",
    "/topics/alpha",
    "/drill",
    "/drill?topic=alpha",
    "/katas",
    "/katas/stable-softmax",
    "/mock",
    "/log",
    "/log.md",
    "/stats",
    "/data",
    "/data/backup.json",
    "/data/export.apkg",
    "/static/app.css",
    "/favicon.ico",
    "/no-such-page",
]
FORGED_HOSTS: list[str | bytes] = [
    "attacker.example",
    f"attacker.example:{PORT}",
    "127.0.0.1.evil.com",
    f"127.0.0.1.evil.com:{PORT}",
    "localhost.",
    f"localhost.:{PORT}",
    "localhost.attacker.example",
    "[::1].evil",
    "127.0.0.2",
    "0.0.0.0",
    f"127.0.0.1:{PORT + 1}",  # another port: another origin
    "127.0.0.1:",
    b"127.0.0.1:\xb2\xb3",  # Latin-1 superscript digits: str.isdigit() says yes
    "",
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    mini_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    get_catalog.cache_clear()
    url = f"sqlite:///{tmp_path / 'web.db'}"
    yield TestClient(create_app(url, port=PORT), base_url=f"http://127.0.0.1:{PORT}"), url
    get_catalog.cache_clear()


def token(client: TestClient, page: str = "/data") -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(page).text)
    assert m
    return m.group(1)


def counts(url: str) -> dict[str, int]:
    db = open_db(url)
    with db.session() as s:
        out = {n: s.scalar(select(func.count()).select_from(_table(n))) or 0 for n in TABLES}
    db.close()
    return out


@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_a_forged_host_gets_a_plain_400_on_every_page(env: tuple[TestClient, str], host: str | bytes) -> None:
    client, _ = env
    for page in PAGES:
        r = client.get(page, headers={"Host": host})
        assert r.status_code == 400, (page, host)
        assert r.headers["content-type"].startswith("text/plain")
        assert "csrf" not in r.text and "mldrill-backup" not in r.text and len(r.content) < 200


@pytest.mark.parametrize("host", ["127.0.0.1", f"127.0.0.1:{PORT}", f"localhost:{PORT}", "LOCALHOST", f"[::1]:{PORT}"])
def test_the_loopback_names_are_answered(env: tuple[TestClient, str], host: str) -> None:
    client, _ = env
    for page in ("/", "/data/backup.json", "/katas/stable-softmax"):
        assert client.get(page, headers={"Host": host}).status_code == 200, (page, host)


def test_the_bound_address_is_answered_too(tmp_path: Path) -> None:
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'w.db'}", host="192.168.7.5", port=9000))
    assert client.get("/data/backup.json", headers={"Host": "192.168.7.5:9000"}).status_code == 200
    assert client.get("/data/backup.json", headers={"Host": "192.168.7.6:9000"}).status_code == 400
    v6 = TestClient(create_app(f"sqlite:///{tmp_path / 'w6.db'}", host="fd00::5", port=9000))
    assert v6.get("/data/backup.json", headers={"Host": "[fd00::5]:9000"}).status_code == 200


CROSS_SITE: list[dict[str, str]] = [
    {"Origin": "https://attacker.example"},
    {"Origin": "http://attacker.example"},
    {"Origin": "null"},
    {"Origin": f"http://127.0.0.1.evil.com:{PORT}"},
    {"Origin": f"http://localhost:{PORT + 1}"},
    {"Origin": f"https://127.0.0.1:{PORT}"},  # another scheme: another origin
    {"Origin": f"http://127.0.0.1:{PORT}/path"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": f"http://127.0.0.1:{PORT}"},
    {"Sec-Fetch-Site": "same-origin", "Origin": "https://attacker.example"},
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_state_changing_requests_from_another_site_change_nothing(
    env: tuple[TestClient, str], headers: dict[str, str]
) -> None:
    client, url = env
    data_token = token(client)
    backup = client.get("/data/backup.json").content
    kata_token = token(client, "/katas/stable-softmax")
    before = counts(url)
    deck = {"file": ("deck.md", b"Q: planted?\nA: yes\n")}
    attempts: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("/data/import", {"csrf": data_token}, deck),
        ("/data/restore", {"csrf": data_token, "confirm": "yes"}, {"file": ("b.json", backup)}),
        ("/katas/stable-softmax/hint", {"csrf": kata_token}, {}),
        ("/katas/stable-softmax/draft", {"csrf": kata_token, "source": "planted"}, {}),
        ("/drill", {"csrf": token(client, "/drill")}, {}),
        ("/drill", {"csrf": token(client, "/drill"), "mode": "rapid"}, {}),
        ("/mock", {"csrf": token(client, "/mock"), "minutes": "15"}, {}),  # TABLES counts the mock tables too
    ]
    for path, data, files in attempts:
        r = client.post(path, data=data, files=files or None, headers=headers)
        assert r.status_code == 403, (path, headers)
        assert "another" in r.text and "csrf" not in r.text.lower()
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.request(method, "/data/import", headers=headers).status_code == 403
    assert counts(url) == before
    assert client.get("/data/backup.json").content == backup
    assert "planted" not in client.get("/katas/stable-softmax").text
    assert 'href="/drill/' not in client.get("/drill").text  # no session was started


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a non-browser client: the CSRF token is what protects it
        {"Origin": f"http://127.0.0.1:{PORT}", "Sec-Fetch-Site": "same-origin"},
        {"Origin": f"http://localhost:{PORT}"},
        {"Origin": f"http://[::1]:{PORT}"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_same_origin_posts_still_work(env: tuple[TestClient, str], headers: dict[str, str]) -> None:
    client, url = env
    r = client.post(
        "/data/import", data={"csrf": token(client)}, files={"file": ("d.md", b"Q: q?\nA: a\n")}, headers=headers
    )
    assert "1 added" in r.text and counts(url)["user_card"] == 1


def test_every_response_keeps_out_of_frames_and_sniffing(env: tuple[TestClient, str]) -> None:
    client, _ = env
    for page in ("/", "/data/backup.json", "/static/app.js", "/no-such-page"):
        h = client.get(page).headers
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff", page
        assert (
            "frame-ancestors 'none'" in h["content-security-policy"]
            and "script-src 'self'" in h["content-security-policy"]
        )
        assert h["referrer-policy"] == "same-origin" and "set-cookie" not in h


def _get_routes(client: TestClient) -> list[str]:
    """Every GET route of the app, its path parameters filled with ids that exist."""
    fill = {
        "topic_id": "alpha",
        "kata_id": "stable-softmax",
        "fmt": "md",
        "sid": "SID",
        "path": "app.css",
        "name": "before-restore-20260101T000000.000000Z.json",
        "lab_id": "qlora_memory",  # a lab page runs the (read-only) lab: a fast one
        "mock_id": "1",
    }
    out = []

    def walk(routes: list[Any]) -> Iterator[Any]:
        for route in routes:
            inner = getattr(route, "original_router", None)  # an included router (FastAPI >= 0.165)
            yield from walk(inner.routes) if inner is not None else [route]

    for route in walk(client.app.routes):  # type: ignore[attr-defined]
        methods = getattr(route, "methods", None) or set()
        path = getattr(route, "path", "")
        if "GET" in methods or path == "/static":
            out.append(
                re.sub(r"\{(\w+)(:\w+)?\}", lambda m: fill[m.group(1)], path.replace("/static", "/static/{path}"))
            )
    return out


def test_no_get_route_changes_anything(env: tuple[TestClient, str]) -> None:
    """Every GET route, with and without its query parameters, leaves every table byte-identical and the running
    drill session where it was."""
    client, url = env
    # Some history first, so a route that wrote or evicted would have something to change.
    sid = client.post("/drill", data={"csrf": token(client, "/drill"), "topic": "alpha"}).url.path.rsplit("/", 1)[1]
    drill_token = token(client, f"/drill/{sid}?reveal=1")
    client.post(f"/drill/{sid}/rate", data={"rating": 3, "csrf": drill_token})
    client.post(
        "/katas/stable-softmax/check",
        data={"source": "def softmax(x, axis=-1):\n    return x\n", "csrf": token(client, "/katas/stable-softmax")},
    )
    client.post("/data/import", data={"csrf": token(client)}, files={"file": ("d.md", b"Q: q?\nA: a\n")})
    client.post("/mock", data={"csrf": token(client, "/mock"), "minutes": "15"})  # a mock, its first card shown
    from mldrill.store.backup import backups_dir

    backups_dir().mkdir(parents=True)  # a safety copy a restore left, for GET /data/safety/{name}
    (backups_dir() / "before-restore-20260101T000000.000000Z.json").write_text("{}")
    db = open_db(url)
    before = dumps(db)
    current = client.get(f"/drill/{sid}").text
    routes = [r.replace("SID", sid) for r in _get_routes(client)]
    assert len(routes) >= 15 and "/drill" in routes and "/data/export.apkg" in routes
    queries = ["", "?topic=beta&level=L1&limit=1&reveal=1&status=shaky&sort=-item"]
    for path in routes:
        for q in queries:
            r = client.get(path + q)
            # 403: a solution before an attempt; 422: a lab page names the query keys that are not its parameters
            allowed = (200, 403, 422) if path.startswith("/labs/") and q else (200, 403)
            assert r.status_code in allowed, (path + q, r.status_code)
    for _ in range(3):
        client.get("/drill?topic=beta")
    assert dumps(db) == before
    assert client.get(f"/drill/{sid}").text == current
    assert client.get("/drill").text.count('href="/drill/') == 1  # still the one session, no other started
    db.close()


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'w.db'}"), base_url="http://127.0.0.1")
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/data").text)
    assert m
    big = b"Q: q?\nA: " + b"a" * (21 * 2**20) + b"\n"
    r = client.post("/data/import", data={"csrf": m.group(1)}, files={"file": ("d.md", big)})
    assert r.status_code == 413 and "at most 21 MiB" in r.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(30):
            yield b"x" * 2**20

    r = client.post("/data/import", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413
    assert client.get("/").status_code == 200  # the server is fine afterwards


def test_the_backup_is_never_readable_from_another_origin(env: tuple[TestClient, str]) -> None:
    """No CORS grant however the request is dressed, and a cross-origin <script> or fetch(no-cors) gets an opaque
    response the browser may not hand over (CORP same-origin, nosniff on JSON)."""
    client, _ = env
    for headers in ({"Origin": "https://attacker.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
        r = client.get("/data/backup.json", headers=headers)
        assert not any(h.startswith("access-control-") for h in r.headers)
        assert r.headers["cross-origin-resource-policy"] == "same-origin"
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["content-type"] == "application/json"
    pre = client.options(
        "/data/restore", headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"}
    )
    assert not any(h.startswith("access-control-") for h in pre.headers)
