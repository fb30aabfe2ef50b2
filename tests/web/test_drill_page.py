"""The browser drill: question -> reveal -> rate through real HTTP requests; ratings stored; undo; CSRF enforced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.web.app import create_app
from webforms import csrf_of, ratings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    mini_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    get_catalog.cache_clear()
    url = f"sqlite:///{tmp_path / 'web.db'}"
    yield TestClient(create_app(url), base_url="http://127.0.0.1"), url
    get_catalog.cache_clear()


def start(client: TestClient, query: str = "") -> str:
    """Open the start form (GET, which changes nothing) and submit it (POST); returns the new session's id."""
    form = client.get(f"/drill{query}")
    assert form.status_code == 200 and 'action="/drill"' in form.text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.text))
    params = dict(p.split("=", 1) for p in query.lstrip("?").split("&") if p)
    page = client.post("/drill", data={**fields, **params})
    assert page.status_code == 200, page.text
    return str(page.url).rsplit("/", 1)[1]


def test_drill_three_cards_with_follow_ups_and_undo(env: tuple[TestClient, str]) -> None:
    client, url = env
    sid = start(client, "?topic=alpha")
    page = client.get(f"/drill/{sid}")
    assert "Question of alpha/a1?" in page.text and "Show answer" in page.text and "Answer of" not in page.text
    shown = client.get(f"/drill/{sid}?reveal=1")
    assert "Answer of alpha/a1" in shown.text and "Trap of alpha/a1." in shown.text and "3 Good" in shown.text
    token = csrf_of(shown.text)
    nxt = client.post(f"/drill/{sid}/rate", data={"rating": 3, "csrf": token})
    assert "Question of alpha/a2?" in nxt.text and "follow-up of alpha/a1" in nxt.text
    client.post(f"/drill/{sid}/rate", data={"rating": 1, "csrf": token})
    back = client.post(f"/drill/{sid}/undo", data={"csrf": token})
    assert "Question of alpha/a2?" in back.text
    client.post(f"/drill/{sid}/rate", data={"rating": 4, "csrf": token})
    client.post(f"/drill/{sid}/rate", data={"rating": 2, "csrf": token})
    assert ratings(url) == [("alpha/a1", 3), ("alpha/a2", 4), ("alpha/a3", 2)]


def test_posts_without_a_valid_csrf_token_are_refused(env: tuple[TestClient, str]) -> None:
    client, url = env
    sid = start(client)
    assert client.post(f"/drill/{sid}/rate", data={"rating": 3}).status_code == 403
    assert client.post(f"/drill/{sid}/rate", data={"rating": 3, "csrf": "0" * 64}).status_code == 403
    other = start(client)
    token_of_other = csrf_of(client.get(f"/drill/{other}?reveal=1").text)
    assert client.post(f"/drill/{sid}/rate", data={"rating": 3, "csrf": token_of_other}).status_code == 403
    assert ratings(url) == []


def test_session_end_and_unknown_sessions(env: tuple[TestClient, str]) -> None:
    client, _ = env
    sid = start(client, "?topic=beta&level=L1")
    token = csrf_of(client.get(f"/drill/{sid}?reveal=1").text)
    done = client.post(f"/drill/{sid}/rate", data={"rating": 4, "csrf": token})
    assert "Session done" in done.text and "1 rating(s)" in done.text
    assert client.get("/drill/nope").status_code == 404
    assert client.post(f"/drill/{sid}/rate", data={"rating": 7, "csrf": token}).status_code == 422


def test_a_repeated_rating_is_dropped_not_given_to_the_next_card(env: tuple[TestClient, str]) -> None:
    """A double press (or a resent form) names the card it was meant for; once that card is rated, it is dropped."""
    client, url = env
    sid = start(client, "?topic=alpha")
    token = csrf_of(client.get(f"/drill/{sid}?reveal=1").text)
    for _ in range(2):
        page = client.post(f"/drill/{sid}/rate", data={"rating": 3, "item": "alpha/a1", "csrf": token})
    assert ratings(url) == [("alpha/a1", 3)] and "Question of alpha/a2?" in page.text


def test_htmx_swaps_the_card_region_of_the_same_page(env: tuple[TestClient, str]) -> None:
    client, _ = env
    sid = start(client, "?topic=alpha")
    page = client.get(f"/drill/{sid}?reveal=1", headers={"HX-Request": "true"}).text
    assert page.count('id="card"') == 1 and 'hx-select="#card"' in page
    assert f'hx-post="/drill/{sid}/rate"' in page and 'name="item" value="alpha/a1"' in page


def test_get_drill_starts_and_evicts_nothing(env: tuple[TestClient, str]) -> None:
    """A GET (a link, an <img> on another page) never starts a session, so it can never evict a running one: even
    more GETs than the server keeps sessions leave the drill where it was, its next card unchanged."""
    from mldrill.web.drill import MAX_SESSIONS

    client, url = env
    sid = start(client, "?topic=alpha")
    token = csrf_of(client.get(f"/drill/{sid}?reveal=1").text)
    client.post(f"/drill/{sid}/rate", data={"rating": 3, "item": "alpha/a1", "csrf": token})
    for _ in range(MAX_SESSIONS + 2):
        page = client.get("/drill?topic=beta&limit=1")
        assert page.status_code == 200 and "Start drilling" in page.text
    assert f'href="/drill/{sid}"' in page.text  # the start page offers to continue it
    still = client.get(f"/drill/{sid}")
    assert still.status_code == 200 and "Question of alpha/a2?" in still.text
    assert ratings(url) == [("alpha/a1", 3)]
    assert client.post("/drill", data={"topic": "alpha"}).status_code == 403  # starting needs the form's token
    assert client.post("/drill", data={"csrf": token, "topic": "alpha"}).status_code == 403  # another scope's
