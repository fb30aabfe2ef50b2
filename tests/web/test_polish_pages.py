"""What keeps the web app from looking broken: a restarted server keeps open pages working (the CSRF secret is a
0600 file of the data directory; a drill rebuilds itself from its rate form), friendly pages for bad parameters,
"did you mean" on unknown ids."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient

from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.web.app import create_app
from webforms import ratings

HTML = {"Accept": "text/html"}


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    mini_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    get_catalog.cache_clear()
    yield f"sqlite:///{tmp_path / 'web.db'}"
    get_catalog.cache_clear()


def client_for(url: str) -> TestClient:
    return TestClient(create_app(url), base_url="http://127.0.0.1")


def hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def test_the_csrf_secret_is_an_owner_only_file_that_survives_a_restart(url: str, tmp_path: Path) -> None:
    first = client_for(url)
    token = hidden(first.get("/drill").text)["csrf"]
    secret = tmp_path / "web-secret"
    assert secret.is_file() and stat.S_IMODE(secret.stat().st_mode) == 0o600 and len(secret.read_bytes()) == 32
    second = client_for(url)  # a new process would read the same file
    assert hidden(second.get("/drill").text)["csrf"] == token
    secret.chmod(0o644)  # readable by others: no longer trusted, a new one is made
    assert hidden(client_for(url).get("/drill").text)["csrf"] != token
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_a_drill_goes_on_after_a_restart_and_the_pressed_rating_counts(url: str) -> None:
    first = client_for(url)
    start = first.post("/drill", data={**hidden(first.get("/drill?topic=alpha").text)})
    sid = str(start.url).rsplit("/", 1)[1]
    page = first.get(f"/drill/{sid}?reveal=1").text
    form = {**hidden(page), "rating": "3"}
    assert form["item"] == "alpha/a1" and "topic=alpha" in form["resume"].replace("&amp;", "&")
    form["resume"] = form["resume"].replace("&amp;", "&")
    restarted = client_for(url)  # the sessions in memory are gone
    nxt = restarted.post(f"/drill/{sid}/rate", data=form)
    assert nxt.status_code == 200 and "Question of alpha/a2?" in nxt.text, nxt.text
    assert ratings(url) == [("alpha/a1", 3)]
    again = restarted.post(f"/drill/{sid}/rate", data=form)  # a resent form rates nothing more
    assert again.status_code == 200 and ratings(url) == [("alpha/a1", 3)]
    assert restarted.post(f"/drill/{sid}/rate", data={**form, "csrf": "0" * 64}).status_code == 403


def test_bad_parameters_get_a_page_in_words(url: str) -> None:
    client = client_for(url)
    start = client.get("/drill?limit=abc&topic=alpah&level=L9", headers=HTML)
    assert start.status_code == 200 and 'id="error"' in start.text
    assert "whole number" in start.text and "did you mean alpha?" in start.text and "no level" in start.text
    bad = client.post("/drill", data={**hidden(client.get("/drill").text), "limit": "abc"}, headers=HTML)
    assert bad.status_code == 422 and "<h1>Cannot use that</h1>" in bad.text and "whole number" in bad.text
    sid = str(client.post("/drill", data=hidden(client.get("/drill").text)).url).rsplit("/", 1)[1]
    typed = client.get(f"/drill/{sid}?reveal=abc", headers=HTML)
    assert typed.status_code == 422 and "<h1>Cannot use that</h1>" in typed.text and "reveal" in typed.text
    assert "&#39;abc&#39;" in typed.text and '{"detail"' not in typed.text
    script = client.get(f"/drill/{sid}?reveal=abc")
    assert script.status_code == 422 and script.json()["detail"][0]["loc"] == ["query", "reveal"]


def test_unknown_ids_suggest_the_closest(url: str) -> None:
    client = client_for(url)
    topic = client.get("/topics/alpah", headers=HTML)
    assert topic.status_code == 404 and "did you mean alpha?" in topic.text
    assert "did you mean" not in client.get("/topics/zzzzzz", headers=HTML).text
    kata = client.get("/katas/causal-msk", headers=HTML)
    assert kata.status_code == 404 and "did you mean causal-mask" in kata.text
    area = client.get("/drill?area=attention-transformer", headers=HTML)
    assert "did you mean attention-transformers?" in area.text


def test_the_log_shows_and_links_the_question_and_the_drill_links_the_topic(url: str) -> None:
    client = client_for(url)
    sid = str(client.post("/drill", data=hidden(client.get("/drill?topic=alpha").text)).url).rsplit("/", 1)[1]
    page = client.get(f"/drill/{sid}?reveal=1").text
    assert '<a href="/topics/alpha#alpha/a1" id="card-topic">alpha</a>' in page
    client.post(f"/drill/{sid}/rate", data={**hidden(page), "rating": "3"})
    log = client.get("/log").text
    assert '<a href="/topics/alpha#alpha/a1" hx-boost="false">Question of alpha/a1?</a>' in log
    assert "alpha/<wbr>a1" in log  # an id breaks at its slash, never mid-word
    assert (
        "Question of alpha/a1?" in client.get("/log.md").text and "Question of alpha/a1?" in client.get("/log.csv").text
    )


def test_the_reveal_link_still_works_after_a_restart_but_only_with_the_sessions_token(url: str, tmp_path: Path) -> None:
    first = client_for(url)
    sid = str(first.post("/drill", data=hidden(first.get("/drill?topic=alpha").text)).url).rsplit("/", 1)[1]
    page = first.get(f"/drill/{sid}").text
    link = re.search(r'id="reveal" data-key=" " href="([^"]+)"', page)
    assert link, page
    href = link.group(1).replace("&amp;", "&")
    (tmp_path / "drills.json").unlink()  # the drills' list lost too: only the link's own token can rebuild it
    restarted = client_for(url)
    forged = re.sub(r"&t=[0-9a-f]+", "&t=" + "0" * 64, href)
    assert restarted.get(forged).status_code == 404  # no token, no session: a GET elsewhere starts nothing
    shown = restarted.get(href)
    assert shown.status_code == 200 and "Answer of alpha/a1" in shown.text and "3 Good" in shown.text
    assert ratings(url) == []


def test_a_drill_page_reloaded_after_a_restart_finds_its_drill(url: str, tmp_path: Path) -> None:
    first = client_for(url)
    started = first.post("/drill", data=hidden(first.get("/drill?topic=beta").text))
    sid = str(started.url).rsplit("/", 1)[1]
    question = re.search(r"Question of beta/b\d\?", started.text)
    assert question and sid in (tmp_path / "drills.json").read_text()
    restarted = client_for(url)
    page = restarted.get(f"/drill/{sid}")
    assert page.status_code == 200 and question.group(0) in page.text
    assert restarted.get("/drill/" + "f" * 32).status_code == 404  # an id no drill had: nothing is started


def test_a_drill_rebuilt_after_a_restart_keeps_all_it_was_started_with(url: str, tmp_path: Path) -> None:
    choice = {"topic": "alpha", "level": "L1", "limit": "1", "extra_new": "3"}

    def rate_first_card(url: str, restart: bool) -> list[str]:
        first = client_for(url)
        sid = str(first.post("/drill", data={**hidden(first.get("/drill").text), **choice}).url).rsplit("/", 1)[1]
        form = {**hidden(first.get(f"/drill/{sid}?reveal=1").text), "rating": "3"}
        form["resume"] = form["resume"].replace("&amp;", "&")
        assert dict(parse_qsl(form["resume"])) == choice  # every field of the DrillChoice, the empty ones left out
        page = (client_for(url) if restart else first).post(f"/drill/{sid}/rate", data=form)
        assert page.status_code == 200 and ratings(url) == [(form["item"], 3)]
        return re.findall(r'<p class="(?:meta|counts)".*?</p>|Question of [^<]*', page.text)

    (tmp_path / "kept").mkdir()
    kept = rate_first_card(f"sqlite:///{tmp_path / 'kept' / 'web.db'}", restart=False)
    assert kept and rate_first_card(url, restart=True) == kept  # the same next card, counts and cards left


def test_a_bad_resume_or_filter_is_said_in_words(url: str) -> None:
    client = client_for(url)
    page = client.get("/drill?track=nope&tag=zzzzzz", headers=HTML)
    assert "no track &#39;nope&#39;" in page.text and "no card has the tag &#39;zzzzzz&#39;" in page.text
    sid = str(client.post("/drill", data=hidden(client.get("/drill").text)).url).rsplit("/", 1)[1]
    form = {**hidden(client.get(f"/drill/{sid}?reveal=1").text), "rating": "3", "resume": "status=bored"}
    bad = client_for(url).post(f"/drill/{sid}/rate", data=form, headers=HTML)
    assert bad.status_code == 422 and "status must be shaky, unknown or fluent" in bad.text


def test_a_follow_up_on_screen_is_rated_after_a_restart(url: str) -> None:
    first = client_for(url)
    start = {**hidden(first.get("/drill?topic=alpha").text), "level": "L1"}  # a1 only; its follow-ups come on top
    sid = str(first.post("/drill", data=start).url).rsplit("/", 1)[1]
    first.post(f"/drill/{sid}/rate", data={**hidden(first.get(f"/drill/{sid}?reveal=1").text), "rating": "3"})
    page = first.get(f"/drill/{sid}?reveal=1").text
    assert "follow-up of alpha/a1" in page  # brought in by the rating: a rebuilt session's queue does not hold it
    form = {**hidden(page), "rating": "4"}
    form["resume"] = form["resume"].replace("&amp;", "&")
    restarted = client_for(url)
    assert restarted.post(f"/drill/{sid}/rate", data=form).status_code == 200
    assert ratings(url) == [("alpha/a1", 3), (form["item"], 4)]
