"""The reading pages of the web app, through FastAPI's in-process client, on a tiny catalog and a fresh database."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clockutil import FakeClock
from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.store import Review, open_db
from mldrill.study.clock import local_zone
from mldrill.study.importer import import_file
from mldrill.study.items import all_items
from mldrill.study.scheduler import Settings
from mldrill.study.session import DrillSession
from mldrill.web.app import create_app


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    mini_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    get_catalog.cache_clear()
    url = f"sqlite:///{tmp_path / 'web.db'}"
    db = open_db(url)
    deck = tmp_path / "evil.md"
    deck.write_text('Q: <script>alert(1)</script> hi?\nA: <img src=x onerror="alert(2)"> answer\n')
    import_file(db, deck)
    items = all_items(get_catalog(), db)
    user_card = next(i for i in items if i.startswith("user/"))
    # "kata/causal-mask" rated Again on 2026-11-02: due ever since, so Today lists it.
    for item_id, rating in (("alpha/a1", 4), ("beta/b1", 1), (user_card, 2), ("kata/causal-mask", 1)):
        DrillSession(db, items, [items[item_id]], settings=Settings(fuzz=False), clock=FakeClock()).rate(rating)
    yield TestClient(create_app(url), base_url="http://127.0.0.1")
    get_catalog.cache_clear()


def scripts_and_handlers(html: str) -> list[str]:
    found: list[str] = []

    class Spy(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            src = dict(attrs).get("src") or ""
            if tag == "script" and not src.startswith("/static/"):
                found.append(tag)
            found.extend(f"{tag}[{n}]" for n, _ in attrs if n.startswith("on"))

    Spy().feed(html)
    return found


def test_today(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "Today" in r.text and 'id="due"' in r.text
    assert "Katas due" in r.text and 'href="/katas/causal-mask"' in r.text and "(1 kata)" in r.text


def test_errors_are_pages_for_browsers_and_json_for_scripts(client: TestClient) -> None:
    browser = client.get("/topics/nope", headers={"Accept": "text/html,application/xhtml+xml"})
    assert (
        browser.status_code == 404
        and "<h1>Not found</h1>" in browser.text
        and "no topic &#39;nope&#39;" in browser.text
    )
    htmx = client.get("/drill/gone", headers={"HX-Request": "true"})
    assert htmx.status_code == 404 and 'id="error"' in htmx.text and "session has ended" in htmx.text
    script = client.get("/topics/nope")
    assert script.status_code == 404 and script.json() == {"detail": "no topic 'nope'"}


def test_htmx_is_vendored_and_each_swap_target_is_on_its_page(client: TestClient) -> None:
    """htmx swaps by selecting an id out of the full page the route renders: that id must be on the page."""
    page = client.get("/")
    assert '<script defer src="/static/vendor/htmx/htmx.min.js"></script>' in page.text
    js = client.get("/static/vendor/htmx/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text and len(js.text) > 20_000
    log = client.get("/log").text
    assert 'hx-select="#log-view"' in log and 'id="log-view"' in log


def test_topics_and_topic_page(client: TestClient) -> None:
    r = client.get("/topics")
    assert r.status_code == 200 and 'href="/topics/alpha"' in r.text and "Attention &amp; transformers" in r.text
    t = client.get("/topics/alpha")
    assert t.status_code == 200
    assert "Remember alpha." in t.text and r"\[x^2\]" in t.text  # formula handed to KaTeX
    assert 'id="alpha/a1"' in t.text and "Trap of alpha/a1." in t.text
    assert 'href="/topics/alpha#alpha/a2"' in t.text  # follow-up links
    assert client.get("/topics/nope").status_code == 404


def test_practice_log_filters_sorts_and_exports(client: TestClient) -> None:
    page = client.get("/log")
    assert page.status_code == 200 and "alpha/a1" in page.text and "beta/b1" in page.text
    shaky_or_unknown = client.get("/log?status=unknown")
    assert "beta/b1" in shaky_or_unknown.text and "alpha/a1" not in shaky_or_unknown.text
    by_area = client.get("/log?area=numerics-losses")
    assert "alpha/a1" in by_area.text and "beta/b1" not in by_area.text
    rows = list(csv.DictReader(io.StringIO(client.get("/log.csv").text)))
    assert {r["item"] for r in rows} >= {"alpha/a1", "beta/b1"}
    assert client.get("/log.md").text.startswith("| item |")
    assert client.get("/log.pdf").status_code == 404


def test_stats(client: TestClient) -> None:
    r = client.get("/stats")
    assert r.status_code == 200 and "Mastery per area" in r.text and "My cards" in r.text


def test_stats_draws_the_three_charts(client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    items = all_items(get_catalog(), db)
    for item_id in ("alpha/a2", "beta/b2"):  # two reviews now, on the real clock the page uses
        DrillSession(db, items, [items[item_id]], settings=Settings(fuzz=False)).rate(3)
    with db.session() as s:
        stamps = s.scalars(select(Review.reviewed_at)).all()
    per_day = Counter(t.astimezone(local_zone(None)).date() for t in stamps)
    page = client.get("/stats").text
    assert '<svg class="chart heatmap"' in page and '<svg class="chart bars forecast"' in page
    for day, n in per_day.items():
        if day > datetime.now(UTC).date() - timedelta(days=360):
            assert f"<title>{day.isoformat()}: {n} review{'' if n == 1 else 's'}</title>" in page
    assert "No reviews of learned cards" in page  # nothing has come back due yet: retention explains instead
    assert 'aria-label="Items falling due per day over the next 30 days' in page


def test_imported_html_never_runs(client: TestClient) -> None:
    for path in ("/", "/topics", "/topics/alpha", "/log", "/stats", "/katas", "/katas/causal-mask", "/data"):
        assert scripts_and_handlers(client.get(path).text) == [], path


def test_pages_read_without_javascript(client: TestClient) -> None:
    """Answers sit in <details>, so a page without scripts still shows everything on click."""
    t = client.get("/topics/alpha").text
    assert "<details>" in t and "Answer of alpha/a1" in t
