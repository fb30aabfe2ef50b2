"""Study control in the browser: drill buttons, custom study, counts, the end of a session, Today's plan, /settings
(theme, validation, FSRS fit), through real HTTP requests on the mini catalog."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from minicontent import mini_catalog
from mldrill.catalog.loader import get_catalog
from mldrill.store import Review, open_db
from mldrill.study.scheduler import load_settings
from mldrill.web.app import create_app
from webforms import csrf_of


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    mini_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    get_catalog.cache_clear()
    url = f"sqlite:///{tmp_path / 'web.db'}"
    yield TestClient(create_app(url), base_url="http://127.0.0.1"), url
    get_catalog.cache_clear()


def forms(html: str, action: str) -> list[dict[str, str]]:
    """The hidden fields of every POST form to `action` on the page."""
    out = []
    for body in re.findall(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S):
        out.append(dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body)))
    return out


def counts(html: str) -> tuple[int, int, int]:
    m = re.search(
        r"(\d+) new</span> · <span class=\"c-learn\">(\d+) learning</span> · <span class=\"c-review\">(\d+) review",
        html,
    )
    assert m, "no counts on the page"
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def test_every_area_topic_level_and_tag_has_a_drill_button(env: tuple[TestClient, str]) -> None:
    client, _ = env
    listed = forms(client.get("/topics").text, "/drill")
    assert {"area": "numerics-losses"} in [{k: v for k, v in f.items() if k != "csrf"} for f in listed]
    assert {"topic": "alpha"} in [{k: v for k, v in f.items() if k != "csrf"} for f in listed]
    page = client.get("/topics/alpha").text
    on_topic = [{k: v for k, v in f.items() if k != "csrf"} for f in forms(page, "/drill")]
    assert {"topic": "alpha"} in on_topic and {"topic": "alpha", "level": "L1"} in on_topic
    assert {"topic": "alpha", "level": "L2"} in on_topic and {"topic": "alpha", "level": "L3"} in on_topic
    assert {"area": "numerics-losses"} in on_topic
    # the L3 button starts a drill of alpha's L3 card only
    l3 = next(f for f in forms(page, "/drill") if f.get("level") == "L3")
    drill = client.post("/drill", data=l3)
    assert drill.status_code == 200 and "Question of alpha/a4?" in drill.text
    assert counts(drill.text) == (1, 0, 0)
    # without the token: refused
    assert client.post("/drill", data={"topic": "alpha"}).status_code == 403


def test_tag_drill_and_unknown_tag(env: tuple[TestClient, str], tmp_path: Path) -> None:
    client, _ = env
    token = csrf_of(client.get("/drill").text)
    bad = client.post("/drill", data={"csrf": token, "tag": "nope"}, headers={"accept": "text/html"})
    assert bad.status_code == 422 and "no card has the tag" in bad.text
    bad = client.post("/drill", data={"csrf": token, "extra_new": "lots"}, headers={"accept": "text/html"})
    assert bad.status_code == 422 and "extra new cards must be a whole number" in bad.text


def test_counts_go_down_answer_time_is_kept_and_the_end_says_what_next(env: tuple[TestClient, str]) -> None:
    client, url = env
    token = csrf_of(client.get("/settings").text)
    assert (
        client.post(
            "/settings",
            data={
                "csrf": token,
                "new_per_day": "2",
                "desired_retention": "0.9",
                "learning_steps": "1 10",
                "theme": "auto",
            },
        ).status_code
        == 200
    )
    start = forms(client.get("/topics/beta").text, "/drill")[0]
    page = client.post("/drill", data=start)
    sid = str(page.url).rsplit("/", 1)[1]
    assert counts(page.text) == (2, 0, 0)
    shown = client.get(f"/drill/{sid}?reveal=1")
    item = re.search(r'name="item" value="([^"]+)"', shown.text).group(1)  # type: ignore[union-attr]
    rate = {"csrf": csrf_of(shown.text), "rating": "4", "item": item}
    after = client.post(f"/drill/{sid}/rate", data=rate)
    assert counts(after.text) == (1, 0, 0)
    shown = client.get(f"/drill/{sid}?reveal=1")
    item = re.search(r'name="item" value="([^"]+)"', shown.text).group(1)  # type: ignore[union-attr]
    done = client.post(f"/drill/{sid}/rate", data={**rate, "item": item})
    assert "Session done" in done.text and "Next card due in" in done.text
    db = open_db(url)
    with db.session() as s:
        assert all(d is not None and d >= 0 for (d,) in s.query(Review.duration_ms))  # answer time of each rating
    db.close()
    # the cap (2) is reached: alpha's new cards wait, and the page offers more of them
    alpha = client.post("/drill", data=forms(client.get("/topics/alpha").text, "/drill")[0])
    assert "Session done" in alpha.text and 'id="cap-reached"' in alpha.text
    more = [f for f in forms(alpha.text, "/drill") if "extra_new" in f]
    assert more and more[0]["topic"] == "alpha" and more[0]["extra_new"] == "2"
    assert "Study 2 more of this topic" in alpha.text
    extra = client.post("/drill", data=more[0])
    assert "Question of alpha/a1?" in extra.text and counts(extra.text)[0] == 2


def test_today_shows_counts_plan_and_picker(env: tuple[TestClient, str]) -> None:
    client, url = env
    token = csrf_of(client.get("/settings").text)
    client.post(
        "/settings",
        data={
            "csrf": token,
            "new_per_day": "1",
            "desired_retention": "0.9",
            "learning_steps": "1 10",
            "track": "llm-engineer",
            "interview_date": "2099-01-01",
            "theme": "auto",
        },
    )
    today = client.get("/").text
    assert 'id="plan"' in today and "Plan: LLM engineer" in today and "interview on 2099-01-01" in today
    assert "0 of 4 main cards" in today and "due now" in today and "later today" in today
    picker = re.search(r'<form method="post" action="/drill" class="picker".*?</form>', today, re.S)
    assert picker and 'name="track"' in picker.group(0) and 'name="level"' in picker.group(0)
    assert load_settings(open_db(url)).plan_start is not None


def test_settings_validate_everything_and_save_nothing_on_error(env: tuple[TestClient, str]) -> None:
    client, url = env
    page = client.get("/settings")
    assert page.status_code == 200 and 'data-theme="auto"' in page.text
    token = csrf_of(page.text)
    base = {
        "csrf": token,
        "new_per_day": "30",
        "desired_retention": "0.85",
        "learning_steps": "2, 20",
        "timezone": "Europe/Paris",
        "track": "classical-ml",
        "interview_date": "2030-05-01",
        "theme": "dark",
    }
    bad = client.post("/settings", data={**base, "desired_retention": "1.5", "timezone": "Mars/Base"})
    assert bad.status_code == 200 and 'id="errors"' in bad.text and "desired_retention" in bad.text
    assert 'value="1.5"' in bad.text  # the learner's input comes back
    assert load_settings(open_db(url)).new_per_day == 20  # nothing saved
    ok = client.post("/settings", data=base)
    assert ok.status_code == 200 and 'id="saved"' in ok.text and 'data-theme="dark"' in ok.text
    s = load_settings(open_db(url))
    assert (s.new_per_day, s.desired_retention, s.learning_steps, s.timezone) == (30, 0.85, (2, 20), "Europe/Paris")
    assert (s.track, s.interview_date, s.theme) == ("classical-ml", "2030-05-01", "dark")
    assert client.post("/settings", data={**base, "csrf": "0" * 64}).status_code == 403


def test_theme_switch_cycles_and_stays_on_this_site(env: tuple[TestClient, str]) -> None:
    client, url = env
    page = client.get("/topics").text
    token = re.search(r'value="([0-9a-f]+)" name="csrf"', page).group(1)  # type: ignore[union-attr]
    r = client.post("/settings/theme", data={"csrf": token, "back": "/topics"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/topics"
    assert 'data-theme="dark"' in client.get("/topics").text
    r = client.post("/settings/theme", data={"csrf": token, "back": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/" and load_settings(open_db(url)).theme == "light"


def test_fsrs_fit_with_too_few_reviews_and_back_to_defaults(env: tuple[TestClient, str]) -> None:
    client, url = env
    token = csrf_of(client.get("/settings").text)
    page = client.post("/settings/fsrs/fit", data={"csrf": token})
    assert page.status_code == 200 and "needs 512 reviews" in page.text and "you have 0" in page.text
    weights = "[" + ", ".join(["1.0"] * 21) + "]"
    bad = client.post("/settings/fsrs/apply", data={"csrf": token, "weights": weights})
    assert 'id="errors"' in bad.text and "weight" in bad.text  # out of py-fsrs's bounds: refused
    assert load_settings(open_db(url)).fsrs_weights is None
    assert client.post("/settings/fsrs/apply", data={"csrf": token, "weights": "null"}).status_code == 200


def test_fit_result_shows_old_vs_new_and_applies(env: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The page around a fit (the fit itself is tested against py-fsrs in tests/study/test_fit.py)."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from mldrill.study import fit as fit_module

    fitted = tuple(round(w * 1.01, 6) if i < 4 else w for i, w in enumerate(DEFAULT_PARAMETERS))
    result = fit_module.FitResult(
        700, 560, True, "fitted", fitted,
        fit_module.Evaluation(0.912, 0.861, 0.4123, 560), fit_module.Evaluation(0.866, 0.861, 0.3871, 560), 0.85,
    )  # fmt: skip
    monkeypatch.setattr(fit_module, "fit", lambda db, current=None: result)
    client, url = env
    token = csrf_of(client.get("/settings").text)
    page = client.post("/settings/fsrs/fit", data={"csrf": token})
    fit_html = re.search(r'<div class="fit" id="fit">.*?</div>', page.text, re.S)
    assert fit_html and "0.912" in fit_html.group(0) and "0.866" in fit_html.group(0) and "0.861" in fit_html.group(0)
    assert "0.4123" in fit_html.group(0) and "0.3871" in fit_html.group(0)
    assert "Suggested desired retention: <strong>0.85</strong>" in page.text
    apply = forms(page.text, "/settings/fsrs/apply")[0]
    assert client.post("/settings/fsrs/apply", data=apply).status_code == 200
    assert load_settings(open_db(url)).fsrs_weights == pytest.approx(fitted)
    assert "Fitted weights are in use" in client.get("/settings").text
