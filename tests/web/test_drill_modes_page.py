"""Rapid-fire and most-confused pairs on the browser drill: started by POST forms on /drill, shown on the drill
page (countdown, one sentence, the "one difference" step), ratings stored, bad choices refused with 422."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.web.app import create_app
from webforms import csrf_of, ratings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    mini_catalog(tmp_path / "content")
    alpha = tmp_path / "content" / "numerics-losses" / "alpha.yaml"
    data = yaml.safe_load(alpha.read_text())
    data["cards"][0]["answer"] = "The first sentence of a1 is this one. The second sentence follows."
    alpha.write_text(yaml.safe_dump(data, sort_keys=False))
    pairs = tmp_path / "pairs.yaml"
    pairs.write_text("pairs:\n  - {id: ab, title: A vs B, a: alpha/a1, b: beta/b1, compare: alpha/a4}\n")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("MLDRILL_PAIRS_FILE", str(pairs))
    get_catalog.cache_clear()
    url = f"sqlite:///{tmp_path / 'web.db'}"
    yield TestClient(create_app(url), base_url="http://127.0.0.1"), url
    get_catalog.cache_clear()


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """What submitting form #form_id sends: its hidden fields and its submit button's name and value (the mode)."""
    m = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S)
    assert m, f"no form #{form_id} on the page"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', m.group(0)))
    fields.update(re.findall(r'<button type="submit"[^>]* name="(\w+)" value="([^"]*)"', m.group(0)))
    return fields


def test_start_page_offers_both_modes(env: tuple[TestClient, str]) -> None:
    client, _ = env
    page = client.get("/drill").text
    assert form_fields(page, "rapid-start")["mode"] == "rapid"
    assert form_fields(page, "confused-start")["mode"] == "confused"
    assert '<option value="ab">A vs B</option>' in page


def test_rapid_fire_countdown_one_sentence_and_rating(env: tuple[TestClient, str]) -> None:
    client, url = env
    fields = form_fields(client.get("/drill").text, "rapid-start")
    page = client.post("/drill", data={**fields, "area": "numerics-losses", "seconds": "5", "limit": "2"})
    assert page.status_code == 200, page.text
    sid = str(page.url).rsplit("/", 1)[1]
    assert 'id="countdown" data-seconds="5"' in page.text and "Question of alpha/a1?" in page.text
    shown = client.get(f"/drill/{sid}?reveal=1").text
    short = re.search(r'<div class="answer" id="answer-short">(.*?)</div>', shown, re.S)
    assert short and "The first sentence of a1 is this one." in short.group(1)
    assert "second sentence" not in short.group(1) and "Full answer" in shown
    assert 'id="countdown"' not in shown and "Trap of alpha/a1" not in shown
    nxt = client.post(f"/drill/{sid}/rate", data={"rating": 2, "item": "alpha/a1", "csrf": csrf_of(shown)})
    assert "Question of alpha/a4?" in nxt.text  # no follow-ups (a2, a3) pushed in front
    assert ratings(url) == [("alpha/a1", 2)]


def test_confused_pair_three_steps_all_rated(env: tuple[TestClient, str]) -> None:
    client, url = env
    fields = form_fields(client.get("/drill").text, "confused-start")
    page = client.post("/drill", data={**fields, "pair": "ab"})
    sid = str(page.url).rsplit("/", 1)[1]
    assert "A vs B: concept 1 of 2" in page.text and "Question of alpha/a1?" in page.text
    token = csrf_of(page.text)
    second = client.post(f"/drill/{sid}/rate", data={"rating": 3, "item": "alpha/a1", "csrf": token})
    assert "A vs B: concept 2 of 2" in second.text and "Question of beta/b1?" in second.text
    third = client.post(f"/drill/{sid}/rate", data={"rating": 4, "item": "beta/b1", "csrf": token})
    assert '<h2 id="difference">What is the one difference?</h2>' in third.text
    assert "Question of alpha/a4?" in third.text and "Answer of alpha/a4" not in third.text
    assert "Answer of alpha/a4" in client.get(f"/drill/{sid}?reveal=1").text
    done = client.post(f"/drill/{sid}/rate", data={"rating": 1, "item": "alpha/a4", "csrf": token})
    assert done.status_code == 200
    assert ratings(url) == [("alpha/a1", 3), ("beta/b1", 4), ("alpha/a4", 1)]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"mode": "fast"}, "no drill mode"),
        ({"mode": "rapid", "seconds": "1"}, "seconds per card must be a whole number from 3 to 60"),
        ({"mode": "confused", "pair": "zz"}, "no pair"),
        ({"mode": "rapid", "pair": "ab"}, "pairs go with mode confused"),
        ({"mode": "rapid", "seconds": "9" * 5000}, "seconds per card must be a whole number"),  # int() refuses it
        ({"mode": "confused", "limit": "9" * 5000}, "number of cards must be a whole number"),
    ],
)
def test_bad_mode_choices_are_refused(env: tuple[TestClient, str], extra: dict[str, str], message: str) -> None:
    client, url = env
    fields = form_fields(client.get("/drill").text, "rapid-start")
    r = client.post("/drill", data={**fields, **extra})
    assert r.status_code == 422 and message in r.text
    assert ratings(url) == []


def test_a_rapid_session_survives_a_restart(env: tuple[TestClient, str]) -> None:
    """The rate form carries the session's choice (mode included), so a restarted server rebuilds it in rapid mode."""
    client, url = env
    fields = form_fields(client.get("/drill").text, "rapid-start")
    page = client.post("/drill", data={**fields, "area": "numerics-losses", "seconds": "6"})
    sid = str(page.url).rsplit("/", 1)[1]
    shown = client.get(f"/drill/{sid}?reveal=1").text
    resume = re.search(r'name="resume" value="([^"]*)"', shown)
    assert resume and "mode=rapid" in resume.group(1) and "seconds=6" in resume.group(1)
    fresh = TestClient(create_app(url), base_url="http://127.0.0.1")
    r = fresh.post(
        f"/drill/{sid}/rate",
        data={"rating": 3, "item": "alpha/a1", "resume": resume.group(1).replace("&amp;", "&"), "csrf": csrf_of(shown)},
    )
    assert r.status_code == 200, r.text
    assert 'id="countdown" data-seconds="6"' in r.text and "Question of alpha/a4?" in r.text
    assert ratings(url) == [("alpha/a1", 3)]
